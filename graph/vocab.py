"""The ontology's terms as Python names: a typo fails at import, not at query time.

tests/unit/test_vocab.py checks this list against ontology/sahel.ttl in both directions.
"""

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

# The namespaces are graph/namespaces.py's; these names stay importable from here.
from graph.namespaces import KG, KG_NS, ONTOLOGY_IRI, SAHEL_NS

__all__ = ["KG", "KG_NS", "ONTOLOGY_IRI", "SAHEL", "SAHEL_NS"]


class SAHEL(DefinedNamespace):
    """Classes, individuals and properties of the Sahel actors ontology."""

    _fail = True
    _NS = Namespace(SAHEL_NS)

    Abductions: URIRef
    Actor: URIRef
    Alliance: URIRef
    AllianceFormation: URIRef
    ArmedGroup: URIRef
    Attack: URIRef
    Battle: URIRef
    City: URIRef
    Claim: URIRef
    ClaimKind: URIRef
    ClaimOfResponsibility: URIRef
    Condemnation: URIRef
    Condolence: URIRef
    Country: URIRef
    Coup: URIRef
    CoupAttempt: URIRef
    Deployment: URIRef
    Displaced: URIRef
    Event: URIRef
    ExplosionRemoteViolence: URIRef
    Fatalities: URIRef
    ForeignMilitaryOperation: URIRef
    Government: URIRef
    Injuries: URIRef
    IntergovernmentalOrganization: URIRef
    JihadistGroup: URIRef
    KilledOrWounded: URIRef
    MaterielDestroyed: URIRef
    MilitaryJunta: URIRef
    MilitaryOperation: URIRef
    Militia: URIRef
    NamePeriod: URIRef
    Organization: URIRef
    PeaceOperation: URIRef
    Person: URIRef
    Place: URIRef
    PolicyMeasure: URIRef
    PrivateMilitaryCompany: URIRef
    QualifiedRelation: URIRef
    Region: URIRef
    SecurityForce: URIRef
    SeparatistGroup: URIRef
    Site: URIRef
    Source: URIRef
    State: URIRef
    Statement: URIRef
    TreatySigning: URIRef
    TroopStrength: URIRef
    ViolenceAgainstCivilians: URIRef
    Withdrawal: URIRef
    about: URIRef
    actorRelation: URIRef
    addressedTo: URIRef
    affiliatedWith: URIRef
    alliedWith: URIRef
    attribution: URIRef
    claimKind: URIRef
    claimedBy: URIRef
    condemnedBy: URIRef
    conductedBy: URIRef
    confidence: URIRef
    coordinatesSource: URIRef
    date: URIRef
    datePrecision: URIRef
    deployedIn: URIRef
    dissolvedDate: URIRef
    documentPath: URIRef
    endDate: URIRef
    establishes: URIRef
    extractedBy: URIRef
    foundedDate: URIRef
    geonamesId: URIRef
    governs: URIRef
    hadName: URIRef
    hostileTo: URIRef
    latitude: URIRef
    ledBy: URIRef
    locatedIn: URIRef
    location: URIRef
    locationPrecision: URIRef
    longitude: URIRef
    memberOf: URIRef
    mentions: URIRef
    mergedInto: URIRef
    object: URIRef
    operatesIn: URIRef
    partOf: URIRef
    participant: URIRef
    partnerOf: URIRef
    perpetrator: URIRef
    predicate: URIRef
    published: URIRef
    publisher: URIRef
    reviewStatus: URIRef
    sanctionedBy: URIRef
    source: URIRef
    sourceType: URIRef
    splitFrom: URIRef
    statedBy: URIRef
    subject: URIRef
    successorOf: URIRef
    supportedBy: URIRef
    suspendedFrom: URIRef
    target: URIRef
    textOffsetEnd: URIRef
    textOffsetStart: URIRef
    title: URIRef
    unclaimedAsOf: URIRef
    unit: URIRef
    url: URIRef
    validFrom: URIRef
    validFromPrecision: URIRef
    validTo: URIRef
    validToPrecision: URIRef
    value: URIRef
    valueQualifier: URIRef
    victimCategory: URIRef
