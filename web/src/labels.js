// Relation types in plain words ("hostile to"), the ontology term kept for the details.
// Pure (web/test/labels.test.mjs).

const WORDS = {
  AFFILIATED_WITH: ["affiliated with", "affilié à"],
  ALLIED_WITH: ["allied with", "allié à"],
  HOSTILE_TO: ["hostile to", "hostile à"],
  MEMBER_OF: ["member of", "membre de"],
  PARTNER_OF: ["partner of", "partenaire de"],
  SUPPORTED_BY: ["supported by", "soutenu par"],
  SPLIT_FROM: ["split from", "issu d'une scission de"],
  MERGED_INTO: ["merged into", "fusionné dans"],
  SUCCESSOR_OF: ["successor of", "successeur de"],
  GOVERNS: ["governs", "gouverne"],
  LED_BY: ["led by", "dirigé par"],
  OPERATES_IN: ["operates in", "opère en"],
  DEPLOYED_IN: ["deployed in", "déployé en"],
  CONDUCTED_BY: ["conducted by", "conduit par"],
  PART_OF: ["part of", "partie de"],
  SUBSIDIARY_OF: ["subsidiary of", "filiale de"],
};

/** PARTNER_OF -> "partner of" (or the French words); an unknown type in lower case. */
export function relationWords(type, lang = "en") {
  const w = WORDS[type];
  if (w) return w[lang === "fr" ? 1 : 0];
  return String(type || "").toLowerCase().replace(/_/g, " ");
}

/** PARTNER_OF -> "sahel:partnerOf", the ontology property the type stands for. */
export function ontologyTerm(type) {
  const parts = String(type || "").toLowerCase().split("_");
  return `sahel:${parts[0]}${parts.slice(1).map((p) => p[0].toUpperCase() + p.slice(1)).join("")}`;
}
