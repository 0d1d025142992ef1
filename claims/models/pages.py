"""Editable public pages the IFCN code asks for: about, methodology, corrections policy, verdict scale notes."""

from django.db import models


class Page(models.Model):
    slug = models.SlugField(max_length=50)
    language = models.CharField(max_length=12, choices=[("en", "English"), ("ar", "العربية")])
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="HTML; sanitized (nh3) before display.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug", "language"]
        constraints = [models.UniqueConstraint(fields=["slug", "language"], name="page_slug_language_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"
