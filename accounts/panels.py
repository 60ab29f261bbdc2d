"""Places on a page where a higher app adds its part.

Apps depend on each other one way (reports -> referrals -> cases -> participants ->
accounts -> regions), so a page never names an app above its own. Where a higher app
has something to show on it (the referrals of a case on the case page), the page's
app owns a `Slot`, the higher app registers a panel in it from its AppConfig.ready(),
and the page renders whatever was registered:

    CASE_PAGE = Slot("case page")                          # cases/pages.py

    def case_referrals(request, case):                     # referrals/panels.py
        return {"referrals": ...}     # the template's context, or None: nothing to show

    CASE_PAGE.add("referrals/case_panel.html", case_referrals, order=50)  # referrals/apps.py

    ctx["panels"] = CASE_PAGE.render(request, case)       # cases/views.py
    {% for panel in panels %}{{ panel }}{% endfor %}       # templates/cases/case_detail.html
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.context_processors import csrf
from django.template.loader import render_to_string


@dataclass(frozen=True)
class Panel:
    template: str
    context: Callable
    order: int


@dataclass
class Slot:
    name: str
    panels: list[Panel] = field(default_factory=list)

    def add(self, template, context, *, order=100):
        """Show `template` on the page, filled by `context(request, obj)`; once per template."""
        if not any(p.template == template for p in self.panels):
            self.panels.append(Panel(template, context, order))
            self.panels.sort(key=lambda p: p.order)

    def render(self, request, obj) -> list[str]:
        """The registered panels as HTML, in order, leaving out those with nothing to show.

        A panel gets its own context, the request and the CSRF token, not the context
        processors' output: the page around it has that already.
        """
        shared = {"request": request, **csrf(request)}
        rendered = []
        for panel in self.panels:
            ctx = panel.context(request, obj)
            if ctx is not None:
                rendered.append(render_to_string(panel.template, {**shared, **ctx}))
        return rendered


@dataclass
class RowSlot:
    """A place in each row of a list where higher apps add their part (the referral
    that fulfils a plan item, in the case page's plan).

    A row panel's context function gets the request and all the rows at once, so that
    it fetches what it shows in a fixed number of queries, and returns
    {row's pk: the template's context} for the rows it has something to show in.
    """

    name: str
    panels: list[Panel] = field(default_factory=list)

    def add(self, template, context, *, order=100):
        if not any(p.template == template for p in self.panels):
            self.panels.append(Panel(template, context, order))
            self.panels.sort(key=lambda p: p.order)

    def render(self, request, rows) -> dict[int, list[str]]:
        """{row's pk: its rendered parts, in order}; a row with nothing has an empty list."""
        shared = {"request": request, **csrf(request)}
        rendered = {row.pk: [] for row in rows}
        for panel in self.panels:
            for pk, ctx in panel.context(request, rows).items():
                rendered[pk].append(render_to_string(panel.template, {**shared, **ctx}))
        return rendered
