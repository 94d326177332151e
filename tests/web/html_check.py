"""Reading rendered pages as a browser (and a screen reader) does: elements, their ids, labels,
the form each field belongs to, and the element a toggle button opens. Standard library only."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
FIELDS = {"input", "select", "textarea", "button", "output", "meter", "progress"}


@dataclass
class Element:
    tag: str
    attrs: dict
    parent: Element | None = None
    children: list = field(default_factory=list)
    text: str = ""

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()

    def form(self) -> Element | None:
        return next((a for a in self.ancestors() if a.tag == "form"), None)

    def all_text(self) -> str:
        return self.text + "".join(c.all_text() for c in self.children)


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#root", {})
        self.stack = [self.root]
        self.all: list[Element] = []

    def handle_starttag(self, tag, attrs):
        el = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(el)
        self.all.append(el)
        if tag not in VOID:
            self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].text += data


class Page:
    def __init__(self, html: str):
        tree = _Tree()
        tree.feed(html)
        tree.close()
        self.root = tree.root
        self.elements = [e for e in tree.all if not any(a.tag == "template" for a in e.ancestors())]

    def find_all(self, tag: str | None = None, **attrs) -> list[Element]:
        return [
            e
            for e in self.elements
            if (tag is None or e.tag == tag) and all(e.get(k.rstrip("_")) == v for k, v in attrs.items())
        ]

    def by_id(self, id_: str) -> Element | None:
        return next((e for e in self.elements if e.get("id") == id_), None)

    def duplicate_ids(self) -> list[str]:
        counts = Counter(e.get("id") for e in self.elements if e.get("id") is not None)
        return sorted(i for i, n in counts.items() if n > 1)

    def label_problems(self) -> list[str]:
        """Every <label for=...> names exactly one element, and that element is a form field."""
        problems = []
        for label in self.find_all("label"):
            target = label.get("for")
            if target is None:
                if not any(d.tag in FIELDS for d in label.descendants()):
                    problems.append(f"label {label.all_text().strip()!r} has no for= and wraps no field")
                continue
            found = [e for e in self.elements if e.get("id") == target]
            if len(found) != 1:
                problems.append(f"label {label.all_text().strip()!r} for={target!r} names {len(found)} elements")
            elif found[0].tag not in FIELDS:
                problems.append(f"label {label.all_text().strip()!r} for={target!r} names a <{found[0].tag}>")
        return problems

    def label_of(self, element: Element) -> str | None:
        """The text of the label pointing at the element (by for=) or wrapping it."""
        for label in self.find_all("label"):
            if element.get("id") is not None and label.get("for") == element.get("id"):
                return label.all_text().strip()
        wrapping = next((a for a in element.ancestors() if a.tag == "label"), None)
        return wrapping.all_text().strip() if wrapping else None
