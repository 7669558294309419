// Translations from Django's JavaScriptCatalog (loaded by base.html as a classic
// script); falls back to the English source when the catalog did not load.
export function gettext(text) {
  return typeof window.gettext === "function" ? window.gettext(text) : text;
}

export function ngettext(singular, plural, count) {
  if (typeof window.ngettext === "function") {
    return window.ngettext(singular, plural, count);
  }
  return count === 1 ? singular : plural;
}

export function interpolate(format, values) {
  if (typeof window.interpolate === "function") {
    return window.interpolate(format, values, true);
  }
  return format.replace(/%\((\w+)\)s/g, (_, key) => String(values[key]));
}
