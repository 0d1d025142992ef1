"""The desk: server-rendered pages behind login for editors, reviewers and admins."""
