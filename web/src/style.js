// Colours by class, most specific class first. Contrast: labels are drawn dark on a white
// halo, so any fill stays readable.
export const CLASSES = [
  ["JihadistGroup", "#c62828", "Jihadist group"],
  ["SeparatistGroup", "#ef6c00", "Separatist group"],
  ["Militia", "#8d6e63", "Militia"],
  ["ArmedGroup", "#d84315", "Armed group"],
  ["PrivateMilitaryCompany", "#6a1b9a", "Private military company"],
  ["MilitaryJunta", "#1a237e", "Military junta"],
  ["Government", "#3949ab", "Government"],
  ["SecurityForce", "#00796b", "Security force"],
  ["State", "#1565c0", "State"],
  ["Alliance", "#00acc1", "Alliance"],
  ["IntergovernmentalOrganization", "#4dd0e1", "Intergovernmental org."],
  ["ForeignMilitaryOperation", "#2e7d32", "Foreign military operation"],
  ["PeaceOperation", "#9ccc65", "Peace operation"],
  ["MilitaryOperation", "#558b2f", "Military operation"],
  ["Person", "#ad1457", "Person"],
  ["Organization", "#78909c", "Organisation"],
  ["Actor", "#9e9e9e", "Actor"],
  ["Attack", "#fbc02d", "Attack"],
  ["Event", "#ffe082", "Event"],
  ["Place", "#a1887f", "Place"],
  ["Claim", "#ffcc80", "Claim"],
  ["Source", "#cfd8dc", "Source"],
];
const ORDER = new Map(CLASSES.map(([k], i) => [k, i]));
const COLOUR = new Map(CLASSES.map(([k, c]) => [k, c]));
const PLACES = new Set(["Place", "Country", "Region", "City", "Site"]);
const EVENTS = new Set([
  "Event", "Attack", "Battle", "ExplosionRemoteViolence", "ViolenceAgainstCivilians", "Coup",
  "CoupAttempt", "AllianceFormation", "TreatySigning", "Withdrawal", "Deployment",
  "PolicyMeasure", "Statement", "ClaimOfResponsibility", "Condemnation", "Condolence",
]);
const ATTACKS = new Set(["Attack", "Battle", "ExplosionRemoteViolence", "ViolenceAgainstCivilians"]);

export const localName = (t) => String(t).replace(/^.*[#/]/, "");

/** The class that decides the colour: the most specific of the node's types. */
export function mainClass(types) {
  const names = (types || []).map(localName);
  let best = null;
  let bestRank = Infinity;
  for (const n of names) {
    let key = n;
    if (!ORDER.has(key)) {
      if (ATTACKS.has(n)) key = "Attack";
      else if (EVENTS.has(n)) key = "Event";
      else if (PLACES.has(n)) key = "Place";
    }
    const rank = ORDER.get(key);
    if (rank !== undefined && rank < bestRank) {
      best = key;
      bestRank = rank;
    }
  }
  return best || "Actor";
}

export const colourOf = (cls) => COLOUR.get(cls) || "#9e9e9e";
export const isEventClass = (cls) => cls === "Attack" || cls === "Event";

export const cyStyle = [
  {
    selector: "node",
    style: {
      "background-color": "data(colour)",
      "border-width": 1,
      "border-color": "#263238",
      label: "data(short)",
      "font-size": 11,
      color: "#111",
      "text-outline-color": "#fff",
      "text-outline-width": 2.5,
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-wrap": "ellipsis",
      "text-max-width": 140,
      width: 22,
      height: 22,
      "min-zoomed-font-size": 7,
    },
  },
  { selector: "node[?event]", style: { shape: "diamond", width: 18, height: 18 } },
  { selector: "node[?place]", style: { shape: "round-rectangle", width: 18, height: 14 } },
  {
    selector: "node.centre",
    style: { width: 36, height: 36, "border-width": 3, "font-size": 13, "font-weight": "bold" },
  },
  {
    selector: "edge",
    style: {
      width: 1.6,
      "line-color": "#7b8794",
      "target-arrow-color": "#7b8794",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.9,
      "curve-style": "bezier",
      label: "",
      "font-size": 9,
      color: "#2b2f36",
      "text-rotation": "autorotate",
      "text-background-color": "#fbfcfd",
      "text-background-opacity": 0.9,
      "text-background-padding": 1,
      "min-zoomed-font-size": 6,
    },
  },
  { selector: "edge.labelled", style: { label: "data(label)" } },
  { selector: "edge[?timed]", style: { "line-style": "solid", width: 2.4, "line-color": "#4f5d75" } },
  {
    selector: ":selected",
    style: {
      "border-width": 4,
      "border-color": "#c2410c",
      "line-color": "#c2410c",
      "target-arrow-color": "#c2410c",
    },
  },
  { selector: "node.hover", style: { "min-zoomed-font-size": 0, "z-index": 10, "font-size": 13 } },
  { selector: "edge.hover", style: { label: "data(label)", "min-zoomed-font-size": 0, "line-color": "#c2410c" } },
];
