"""Public pages: what readers, search engines and partner desks see. Only published claims, ever."""
