"""How each record is said in RDF: its class, and each field's property and kind of value.

ValueFlows 1.0 terms (`vf:`, https://w3id.org/valueflows/ont/vf#) where VF has one whose domain fits; our own
(`vfl:`, https://w3id.org/valueflows-ledger/ns#) otherwise: VF 1.0 dropped agent relationships and `agreedIn`,
and narrowed `inScopeOf` to processes and `triggeredBy` to claims; reusing a term outside its domain would make
a reasoner infer a wrong type. Measures are `vf:Measure` nodes whose `vf:hasUnit` is the unit's record (a
`vf:Unit` with `vf:omUnitIdentifier`). Times are `xsd:dateTimeStamp` (VF's range), quantities `xsd:decimal`.
Classifications, scopes and agreements are plain literals: the ledger holds them as given (URIs or tags, record
ids), and VF allows either.
"""

from __future__ import annotations

from dataclasses import dataclass

VF = "https://w3id.org/valueflows/ont/vf#"
VFL = "https://w3id.org/valueflows-ledger/ns#"
OM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CONTEXT_URL = "https://w3id.org/valueflows-ledger/contexts/ledger.jsonld"

# Kinds of value: a literal's datatype, or a reference to another record (by its kind), or something special.
TEXT, DECIMAL, INTEGER, BOOLEAN, DATE, TIME, URI = "text", "decimal", "integer", "boolean", "date", "time", "uri"
JSON = "json"  # a JSON document as an rdf:JSON literal
ACTION, MEASURE, IRI = "action", "measure", "iri"  # IRI: an outside IRI (a classification, an agreement)


@dataclass(frozen=True)
class Field:
    name: str  # the dataclass field
    predicate: str
    kind: str  # one of the kinds above, or the kind of record it refers to ("agent", "unit", …)
    many: bool = False


def _f(name: str, local: str, kind: str = TEXT, ns: str = VF, many: bool = False) -> Field:
    return Field(name, ns + local, kind, many)


# The collection path of each kind: a record's IRI is {base}/{collection}/{id}.
COLLECTIONS = {
    "unit": "units", "agent": "agents", "agent_relationship_role": "roles", "agent_relationship": "relationships",
    "membership": "memberships", "resource_specification": "specifications",
    "process_specification": "process-specifications", "product_batch": "batches", "process": "processes",
    "economic_resource": "resources", "economic_event": "events", "claim": "claims",
}
KIND_OF_COLLECTION = {v: k for k, v in COLLECTIONS.items()}

CLASSES = {
    "unit": VF + "Unit", "agent_relationship_role": VFL + "AgentRelationshipRole",
    "agent_relationship": VFL + "AgentRelationship", "membership": VFL + "Membership",
    "resource_specification": VF + "ResourceSpecification", "process_specification": VF + "ProcessSpecification",
    "product_batch": VF + "BatchLotRecord", "process": VF + "Process", "economic_resource": VF + "EconomicResource",
    "economic_event": VF + "EconomicEvent", "claim": VF + "Claim",
}
PERSON, ORGANIZATION = VF + "Person", VF + "Organization"

FIELDS: dict[str, tuple[Field, ...]] = {
    "unit": (_f("label", "label"), _f("symbol", "symbol"), _f("om2", "omUnitIdentifier", URI),
             _f("dimension", "dimension", TEXT, VFL)),
    "agent": (_f("name", "name"), _f("note", "note"), _f("image", "image", URI),
              _f("classified_as", "classifiedAs", TEXT, many=True), _f("legal_form", "legalForm", TEXT, VFL),
              _f("worker_owned", "workerOwned", BOOLEAN, VFL),
              _f("surplus_to_worker_owners", "surplusToWorkerOwners", BOOLEAN, VFL),
              _f("headcount", "headcount", INTEGER, VFL), _f("annual_revenue", "annualRevenue", DECIMAL, VFL),
              _f("revenue_currency", "revenueCurrency", "unit", VFL), _f("group", "group", "agent", VFL),
              _f("contributions", "contributions", TEXT, VFL)),
    "agent_relationship_role": (_f("role_label", "roleLabel", TEXT, VFL),
                                _f("inverse_role_label", "inverseRoleLabel", TEXT, VFL),
                                _f("note", "note", TEXT, VFL)),
    "agent_relationship": (_f("subject", "subject", "agent", VFL), _f("object", "object", "agent", VFL),
                           _f("relationship", "relationship", "agent_relationship_role", VFL),
                           _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True), _f("note", "note", TEXT, VFL)),
    "membership": (_f("member", "member", "agent", VFL), _f("organization", "organization", "agent", VFL),
                   _f("since", "since", DATE, VFL), _f("until", "until", DATE, VFL)),
    "resource_specification": (_f("name", "name"), _f("note", "note"),
                               _f("default_unit_of_resource", "defaultUnitOfResource", "unit"),
                               _f("default_unit_of_effort", "defaultUnitOfEffort", "unit"),
                               _f("resource_classified_as", "resourceClassifiedAs", TEXT, many=True),
                               _f("image", "image", URI), _f("image_list", "imageList", URI, VFL, many=True),
                               _f("substitutable", "isSubstitutable", BOOLEAN)),
    "process_specification": (_f("name", "name"), _f("note", "note")),
    "product_batch": (_f("batch_number", "batchLotCode"), _f("expiry_date", "expirationDate", TIME),
                      _f("production_date", "productionDate", TIME, VFL)),
    "process": (_f("name", "name"), _f("note", "note"), _f("has_beginning", "hasBeginning", TIME),
                _f("has_end", "hasEnd", TIME), _f("finished", "finished", BOOLEAN),
                _f("classified_as", "classifiedAs", TEXT, many=True),
                _f("based_on", "basedOn", "process_specification"), _f("in_scope_of", "inScopeOf", TEXT, many=True)),
    "economic_resource": (_f("name", "name"), _f("conforms_to", "conformsTo", "resource_specification"),
                          _f("unit", "unit", "unit", VFL),
                          _f("primary_accountable", "primaryAccountable", "agent"),
                          _f("custodian", "custodian", "agent", VFL), _f("unit_of_effort", "unitOfEffort", "unit"),
                          _f("licence", "licence", TEXT, VFL),
                          _f("tracking_identifier", "trackingIdentifier"),
                          _f("classified_as", "classifiedAs", TEXT, many=True),
                          _f("contained_in", "containedIn", "economic_resource"), _f("note", "note"),
                          _f("image", "image", URI), _f("lot", "ofBatchLot", "product_batch"),
                          _f("image_list", "imageList", URI, VFL, many=True)),
    "economic_event": (_f("action", "action", ACTION), _f("provider", "provider", "agent"),
                       _f("receiver", "receiver", "agent"),
                       _f("resource_inventoried_as", "resourceInventoriedAs", "economic_resource"),
                       _f("to_resource_inventoried_as", "toResourceInventoriedAs", "economic_resource"),
                       _f("resource_conforms_to", "resourceConformsTo", "resource_specification"),
                       _f("resource_classified_as", "resourceClassifiedAs", TEXT, many=True),
                       _f("resource_quantity", "resourceQuantity", MEASURE),
                       _f("effort_quantity", "effortQuantity", MEASURE),
                       _f("has_point_in_time", "hasPointInTime", TIME), _f("has_beginning", "hasBeginning", TIME),
                       _f("has_end", "hasEnd", TIME), _f("input_of", "inputOf", "process"),
                       _f("output_of", "outputOf", "process"), _f("note", "note"),
                       _f("corrects", "corrects", "economic_event"),
                       _f("triggered_by", "triggeredBy", "economic_event", VFL),
                       _f("agreed_in", "agreedIn", TEXT, VFL), _f("realization_of", "realizationOf", TEXT, VFL),
                       _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True),
                       _f("prior_period", "priorPeriod", DATE, VFL)),
    "claim": (_f("action", "action", ACTION), _f("provider", "provider", "agent"),
              _f("receiver", "receiver", "agent"), _f("created", "created", TIME),
              _f("resource_quantity", "resourceQuantity", MEASURE),
              _f("resource_conforms_to", "resourceConformsTo", "resource_specification"),
              _f("resource_classified_as", "resourceClassifiedAs", TEXT, many=True), _f("due", "due", TIME),
              _f("triggered_by", "triggeredBy", "economic_event"), _f("agreed_in", "agreedIn", TEXT, VFL),
              _f("note", "note"), _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True),
              _f("licence", "licence", TEXT, VFL), _f("about_resource", "aboutResource", "economic_resource", VFL),
              _f("period_start", "periodStart", DATE, VFL), _f("period_end", "periodEnd", DATE, VFL),
              _f("basis", "basis", JSON, VFL)),
}
# Derived state, said for consumers but not read back (events are the truth of quantities).
RESOURCE_QUANTITIES = (("accounting_quantity", VF + "accountingQuantity"), ("onhand_quantity", VF + "onhandQuantity"))

# The order records are written in, so that what a record refers to comes before it.
EXPORT_ORDER = ("unit", "agent", "agent_relationship_role", "agent_relationship", "membership",
                "resource_specification", "process_specification", "product_batch", "process",
                "economic_resource", "economic_event", "claim")
