"""Reads an HTML form the way a browser would submit it, so admin tests post exactly what the page shows."""

from __future__ import annotations

from bs4 import BeautifulSoup


def form_data(html: bytes | str, form_id: str) -> dict[str, str | list[str]]:
    """What the form `form_id` submits unchanged: inputs, checked boxes, selected options, text areas."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form {form_id!r} on the page"
    data: dict[str, str | list[str]] = {}
    for field in form.find_all(["input", "select", "textarea"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        if field.name == "select":
            selected = [o.get("value", o.text) for o in field.find_all("option") if o.has_attr("selected")]
            data[name] = selected if field.has_attr("multiple") else (selected[0] if selected else "")
        elif field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        else:
            data[name] = field.get("value", "on" if field.get("type") == "checkbox" else "")
    return data
