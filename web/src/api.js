// Thin client of the HTTP API. Every call goes to the page's own origin (relative paths),
// so nothing leaves the server the page came from.

export const KG = "https://w3id.org/sahel-kg/id/";
export const ONTO = "https://w3id.org/sahel-kg/ontology#";

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function request(path, init = {}) {
  let resp;
  try {
    resp = await fetch(path, init);
  } catch (exc) {
    throw new ApiError(0, `the API cannot be reached (${exc.message})`);
  }
  const type = resp.headers.get("content-type") || "";
  const body = type.includes("json") ? await resp.json().catch(() => null) : await resp.text();
  if (!resp.ok) throw new ApiError(resp.status, errorMessage(resp.status, body));
  return body;
}

export function errorMessage(status, body) {
  if (body && typeof body === "object") {
    const d = body.detail ?? body.message ?? body.error;
    if (typeof d === "string") return d;
    if (Array.isArray(d)) {
      return d.map((e) => `${(e.loc || []).slice(1).join(".")}: ${e.msg}`).join("; ");
    }
    if (d && typeof d === "object") return d.message || JSON.stringify(d);
  }
  if (typeof body === "string" && body.trim()) return body.trim().slice(0, 500);
  return `HTTP ${status}`;
}

const qs = (params) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : "";
};

// The pages and lists of the read model (graph/read/models.py: ActorPage, RelationList,
// EventPage, Timeline) all hold their entries in `items`.
export const items = (body) => body?.items ?? [];

/** The short id (slug) the API takes in paths: the IRI's local part under kg:, else as is. */
export function slugOf(idOrIri) {
  if (!idOrIri) return "";
  const s = String(idOrIri);
  if (s.startsWith(KG)) return s.slice(KG.length);
  if (s.startsWith("kg:")) return s.slice(3);
  return s;
}

const seg = (id) => encodeURIComponent(slugOf(id));

export const api = {
  searchActors: (q, limit = 20) => request(`actors${qs({ q, limit })}`).then(items),
  search: (q, limit = 12) => request(`search${qs({ q, limit })}`),
  mapEvents: ({ actor, from, to }) => request(`map/events${qs({ actor: actor && slugOf(actor), from, to })}`),
  asofQueries: (actor, at, type = "PARTNER_OF") => request(`asof/queries${qs({ actor: slugOf(actor), at, type })}`),
  actor: (id) => request(`actors/${seg(id)}`),
  relations: (id, at) => request(`actors/${seg(id)}/relations${qs({ at })}`).then(items),
  neighbourhood: (id, hops, at) => request(`actors/${seg(id)}/neighbourhood${qs({ hops, at })}`),
  event: (id) => request(`events/${seg(id)}`),
  eventsAt: (place, limit = 100) => request(`events${qs({ place: slugOf(place), limit })}`).then(items),
  timeline: (actor, from, to) => request(`timeline${qs({ actor: slugOf(actor), from, to })}`).then(items),
  cypher: (query, parameters = {}) =>
    request("cypher", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ query, parameters }),
    }),
  sparql: (query) =>
    request("sparql", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/sparql-results+json, text/turtle;q=0.8",
      },
      body: new URLSearchParams({ query }).toString(),
    }),
};
