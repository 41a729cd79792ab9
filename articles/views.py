"""Reader-facing pages. Every queryset starts from Article.objects.published() (STYLE.md 1)."""

from django.apps import apps
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from taggit.models import Tag

from .models import Article, Initiative, Section


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()[:20]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiatives"] = Initiative.objects.all()
        return context


class ArchiveView(ListView):
    template_name = "articles/archive.html"
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()[:50]


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("section", "editor", "responsible_editor", "hero_image")
            .prefetch_related("initiatives", "tags", "corrections", "hero_image__renditions")
        )


class InitiativeIndexView(ListView):
    model = Initiative
    template_name = "articles/initiative_index.html"
    context_object_name = "initiatives"


class InitiativeDetailView(DetailView):
    model = Initiative
    template_name = "articles/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self):
        return Initiative.objects.prefetch_related("milestones")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["articles"] = Article.objects.published().for_listing().filter(initiatives=self.object)[:30]
        return context


class _FilteredListing(ListView):
    template_name = "articles/listing.html"
    context_object_name = "articles"

    def get_subject(self):
        raise NotImplementedError

    def get_queryset(self):
        self.subject = self.get_subject()
        return Article.objects.published().for_listing().filter(**{self.filter_field: self.subject})[:50]

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject=self.subject, **kwargs)


class SectionView(_FilteredListing):
    filter_field = "section"

    def get_subject(self):
        return get_object_or_404(Section, slug=self.kwargs["slug"])


class TagView(_FilteredListing):
    filter_field = "tags"

    def get_subject(self):
        return get_object_or_404(Tag, slug=self.kwargs["slug"])


class EditorView(_FilteredListing):
    def get_subject(self):
        Editor = apps.get_model("editorial", "Editor")
        return get_object_or_404(Editor, slug=self.kwargs["slug"])

    def get_queryset(self):
        from django.db.models import Q

        self.subject = self.get_subject()
        return (
            Article.objects.published()
            .for_listing()
            .filter(Q(editor=self.subject) | Q(responsible_editor=self.subject))[:50]
        )
