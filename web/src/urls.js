// A source's URL becomes a link only when it is http(s): data come from loaded files,
// and a `javascript:` or `data:` URL in a link would run in this page.
export function httpUrl(value) {
  if (typeof value !== "string") return null;
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}
