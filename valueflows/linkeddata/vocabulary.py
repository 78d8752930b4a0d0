"""How each record is said in RDF: its class, and each field's property and kind of value.

ValueFlows 1.0 terms (`vf:`, https://w3id.org/valueflows/ont/vf#) where VF has one whose domain fits; our own
(`vfl:`, https://w3id.org/valueflows-ledger/ns#) otherwise: VF 1.0 dropped agent relationships and `agreedIn`,
and narrowed `inScopeOf` to processes and `triggeredBy` to claims; reusing a term outside its domain would make
a reasoner infer a wrong type. Measures are `vf:Measure` nodes whose `vf:hasUnit` is the unit's record (a
`vf:Unit` with `vf:omUnitIdentifier`). Times are `xsd:dateTimeStamp` (VF's range), quantities `xsd:decimal`.
Classifications, scopes and agreements are plain literals: the ledger holds them as given (URIs or tags, record
ids), and VF allows either.

The planning layer says intents, commitments, plans, agreements, proposals, places and recipes with VF 1.0's classes
and properties. VF 1.0 folded some of vf-graphql 0.9's records into properties (a proposal `vf:publishes` its intents,
an event `vf:fulfills` a commitment, `vf:satisfies` an intent, `vf:settles` a claim) and has no scenarios or
appreciations; the ledger keeps them as records with their own ids and quantities, so they are `vfl:` classes
(`vfl:ProposedIntent`, `vfl:Fulfillment`, …) with `vfl:` properties. A duration (`vf:hasDuration`) is a measure
whose unit is an OWL-Time unit (`time:unitDay`, …); names of scenarios are `dcterms:title`.
"""

from __future__ import annotations

from dataclasses import dataclass

VF = "https://w3id.org/valueflows/ont/vf#"
VFL = "https://w3id.org/valueflows-ledger/ns#"
OM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TIME_NS = "http://www.w3.org/2006/time#"
DCTERMS = "http://purl.org/dc/terms/"
CONTEXT_URL = "https://w3id.org/valueflows-ledger/contexts/ledger.jsonld"

# Kinds of value: a literal's datatype, or a reference to another record (by its kind), or something special.
TEXT, DECIMAL, INTEGER, BOOLEAN, DATE, TIME, URI = "text", "decimal", "integer", "boolean", "date", "time", "uri"
JSON = "json"  # a JSON document as an rdf:JSON literal
ACTION, MEASURE, IRI = "action", "measure", "iri"  # IRI: an outside IRI (a classification, an agreement)
DURATION = "duration"  # a (number, time unit) pair, said as a measure in an OWL-Time unit


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
    "spatial_thing": "places", "agreement": "agreements", "plan": "plans", "intent": "intents",
    "commitment": "commitments", "fulfillment": "fulfillments", "satisfaction": "satisfactions",
    "settlement": "settlements", "appreciation": "appreciations", "proposal": "proposals",
    "proposed_intent": "proposed-intents", "proposed_to": "proposed-to", "recipe_process": "recipe-processes",
    "recipe_flow": "recipe-flows", "recipe_exchange": "recipe-exchanges",
    "scenario_definition": "scenario-definitions", "scenario": "scenarios",
}
KIND_OF_COLLECTION = {v: k for k, v in COLLECTIONS.items()}

CLASSES = {
    "unit": VF + "Unit", "agent_relationship_role": VFL + "AgentRelationshipRole",
    "agent_relationship": VFL + "AgentRelationship", "membership": VFL + "Membership",
    "resource_specification": VF + "ResourceSpecification", "process_specification": VF + "ProcessSpecification",
    "product_batch": VF + "BatchLotRecord", "process": VF + "Process", "economic_resource": VF + "EconomicResource",
    "economic_event": VF + "EconomicEvent", "claim": VF + "Claim",
    "spatial_thing": VF + "SpatialThing", "agreement": VF + "Agreement", "plan": VF + "Plan",
    "intent": VF + "Intent", "commitment": VF + "Commitment", "fulfillment": VFL + "Fulfillment",
    "satisfaction": VFL + "Satisfaction", "settlement": VFL + "Settlement", "appreciation": VFL + "Appreciation",
    "proposal": VF + "Proposal", "proposed_intent": VFL + "ProposedIntent", "proposed_to": VFL + "ProposedTo",
    "recipe_process": VF + "RecipeProcess", "recipe_flow": VF + "RecipeFlow", "recipe_exchange": VF + "RecipeExchange",
    "scenario_definition": VFL + "ScenarioDefinition", "scenario": VFL + "Scenario",
}
# The time units of a duration, as OWL-Time says them.
TIME_UNIT_IRIS = {u: f"{TIME_NS}unit{u.capitalize()}" for u in (
    "year", "month", "week", "day", "hour", "minute", "second")}
PERSON, ORGANIZATION = VF + "Person", VF + "Organization"

# What intents and commitments share (VF's flow properties; `agreedIn`, `inScopeOf` and `atLocation` are ours).
_FLOW = (_f("action", "action", ACTION), _f("provider", "provider", "agent"), _f("receiver", "receiver", "agent"),
         _f("resource_classified_as", "resourceClassifiedAs", TEXT, many=True),
         _f("resource_quantity", "resourceQuantity", MEASURE), _f("effort_quantity", "effortQuantity", MEASURE),
         _f("has_beginning", "hasBeginning", TIME), _f("has_end", "hasEnd", TIME),
         _f("has_point_in_time", "hasPointInTime", TIME), _f("due", "due", TIME), _f("finished", "finished", BOOLEAN),
         _f("note", "note"), _f("agreed_in", "agreedIn", TEXT, VFL),
         _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True),
         _f("resource_inventoried_as", "resourceInventoriedAs", "economic_resource"),
         _f("resource_conforms_to", "resourceConformsTo", "resource_specification"),
         _f("input_of", "inputOf", "process"), _f("output_of", "outputOf", "process"),
         _f("at_location", "atLocation", "spatial_thing", VFL))
# How much of a commitment, intent or claim a fulfillment, satisfaction or settlement covers.
_COVERS = (_f("resource_quantity", "coversResourceQuantity", MEASURE, VFL),
           _f("effort_quantity", "coversEffortQuantity", MEASURE, VFL), _f("note", "note", TEXT, VFL))

FIELDS: dict[str, tuple[Field, ...]] = {
    "unit": (_f("label", "label"), _f("symbol", "symbol"), _f("om2", "omUnitIdentifier", URI),
             _f("dimension", "dimension", TEXT, VFL)),
    "agent": (_f("name", "name"), _f("note", "note"), _f("image", "image", URI),
              _f("classified_as", "classifiedAs", TEXT, many=True), _f("legal_form", "legalForm", TEXT, VFL),
              _f("worker_owned", "workerOwned", BOOLEAN, VFL),
              _f("surplus_to_worker_owners", "surplusToWorkerOwners", BOOLEAN, VFL),
              _f("headcount", "headcount", INTEGER, VFL), _f("annual_revenue", "annualRevenue", DECIMAL, VFL),
              _f("revenue_currency", "revenueCurrency", "unit", VFL), _f("group", "group", "agent", VFL),
              _f("contributions", "contributions", TEXT, VFL),
              _f("primary_location", "primaryLocation", "spatial_thing")),
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
                _f("based_on", "basedOn", "process_specification"), _f("in_scope_of", "inScopeOf", TEXT, many=True),
                _f("nested_in", "nestedIn", "scenario", VFL)),
    "economic_resource": (_f("name", "name"), _f("conforms_to", "conformsTo", "resource_specification"),
                          _f("unit", "unit", "unit", VFL),
                          _f("primary_accountable", "primaryAccountable", "agent"),
                          _f("custodian", "custodian", "agent", VFL), _f("unit_of_effort", "unitOfEffort", "unit"),
                          _f("licence", "licence", TEXT, VFL),
                          _f("tracking_identifier", "trackingIdentifier"),
                          _f("classified_as", "classifiedAs", TEXT, many=True),
                          _f("contained_in", "containedIn", "economic_resource"), _f("note", "note"),
                          _f("image", "image", URI), _f("lot", "ofBatchLot", "product_batch"),
                          _f("image_list", "imageList", URI, VFL, many=True),
                          _f("current_location", "currentLocation", "spatial_thing")),
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
                       _f("prior_period", "priorPeriod", DATE, VFL),
                       _f("at_location", "atLocation", "spatial_thing", VFL),
                       _f("to_location", "toLocation", "spatial_thing")),
    "claim": (_f("action", "action", ACTION), _f("provider", "provider", "agent"),
              _f("receiver", "receiver", "agent"), _f("created", "created", TIME),
              _f("resource_quantity", "resourceQuantity", MEASURE),
              _f("resource_conforms_to", "resourceConformsTo", "resource_specification"),
              _f("resource_classified_as", "resourceClassifiedAs", TEXT, many=True), _f("due", "due", TIME),
              _f("triggered_by", "triggeredBy", "economic_event"), _f("agreed_in", "agreedIn", TEXT, VFL),
              _f("note", "note"), _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True),
              _f("licence", "licence", TEXT, VFL), _f("about_resource", "aboutResource", "economic_resource", VFL),
              _f("period_start", "periodStart", DATE, VFL), _f("period_end", "periodEnd", DATE, VFL),
              _f("basis", "basis", JSON, VFL), _f("effort_quantity", "effortQuantity", MEASURE),
              _f("finished", "finished", BOOLEAN)),
    # -- the planning layer ------------------------------------------------------------------------------------
    "spatial_thing": (_f("name", "name"), _f("mappable_address", "mappableAddress"), _f("lat", "lat", DECIMAL),
                      _f("long", "long", DECIMAL), _f("alt", "alt", DECIMAL), _f("note", "note")),
    "agreement": (_f("name", "name"), _f("note", "note"), _f("created", "created", TIME)),
    "plan": (_f("name", "name"), _f("note", "note"), _f("due", "due", TIME), _f("created", "created", TIME),
             _f("refinement_of", "refinementOf", "scenario", VFL)),
    "intent": (*_FLOW, _f("name", "name"), _f("available_quantity", "availableQuantity", MEASURE),
               _f("image", "image", URI)),
    "commitment": (*_FLOW, _f("clause_of", "clauseOf", "agreement"),
                   _f("independent_demand_of", "independentDemandOf", "plan"),
                   _f("planned_within", "plannedWithin", "plan"), _f("stage", "stage", "process_specification"),
                   _f("created", "created", TIME)),
    "fulfillment": (_f("fulfilled_by", "fulfilledBy", "economic_event", VFL),
                    _f("fulfills", "fulfillmentOf", "commitment", VFL), *_COVERS),
    "satisfaction": (_f("by_event", "satisfiedByEvent", "economic_event", VFL),
                     _f("by_commitment", "satisfiedByCommitment", "commitment", VFL),
                     _f("satisfies", "satisfactionOf", "intent", VFL), *_COVERS),
    "settlement": (_f("settled_by", "settledBy", "economic_event", VFL), _f("settles", "settlementOf", "claim", VFL),
                   *_COVERS),
    "appreciation": (_f("appreciation_of", "appreciationOf", "economic_event", VFL),
                     _f("appreciation_with", "appreciationWith", "economic_event", VFL), _f("note", "note", TEXT, VFL)),
    "proposal": (_f("name", "name"), _f("note", "note"), _f("has_beginning", "hasBeginning", TIME),
                 _f("has_end", "hasEnd", TIME), _f("unit_based", "unitBased", BOOLEAN),
                 _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True),
                 _f("eligible_location", "eligibleLocation", "spatial_thing"), _f("created", "created", TIME),
                 _f("proposed_by", "proposedBy", "agent", VFL)),
    "proposed_intent": (_f("published_in", "publishedIn", "proposal", VFL),
                        _f("publishes", "publishesIntent", "intent", VFL),
                        _f("reciprocal", "isReciprocal", BOOLEAN, VFL)),
    "proposed_to": (_f("proposed", "proposed", "proposal", VFL), _f("proposed_to", "addressedTo", "agent", VFL)),
    "recipe_process": (_f("name", "name"), _f("has_duration", "hasDuration", DURATION),
                       _f("process_classified_as", "processClassifiedAs", TEXT, many=True), _f("note", "note"),
                       _f("process_conforms_to", "processConformsTo", "process_specification")),
    "recipe_flow": (_f("action", "action", ACTION), _f("resource_conforms_to", "resourceConformsTo",
                                                       "resource_specification"),
                    _f("resource_quantity", "resourceQuantity", MEASURE),
                    _f("effort_quantity", "effortQuantity", MEASURE),
                    _f("recipe_input_of", "recipeInputOf", "recipe_process"),
                    _f("recipe_output_of", "recipeOutputOf", "recipe_process"),
                    _f("recipe_clause_of", "recipeClauseOf", "recipe_exchange"),
                    _f("stage", "stage", "process_specification"), _f("state", "state"), _f("note", "note")),
    "recipe_exchange": (_f("name", "name"), _f("note", "note")),
    "scenario_definition": (_f("name", "title", TEXT, DCTERMS), _f("duration", "duration", DURATION, VFL),
                            _f("note", "note", TEXT, VFL), _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True)),
    "scenario": (_f("name", "title", TEXT, DCTERMS), _f("has_beginning", "begins", TIME, VFL),
                 _f("has_end", "ends", TIME, VFL), _f("defined_as", "definedAs", "scenario_definition", VFL),
                 _f("refinement_of", "refinementOf", "scenario", VFL), _f("note", "note", TEXT, VFL),
                 _f("in_scope_of", "inScopeOf", TEXT, VFL, many=True)),
}
# Derived state, said for consumers but not read back (events are the truth of quantities).
RESOURCE_QUANTITIES = (("accounting_quantity", VF + "accountingQuantity"), ("onhand_quantity", VF + "onhandQuantity"))

# The order records are written in, so that what a record refers to comes before it (a scenario after the one it
# refines: `refined_first`).
EXPORT_ORDER = ("spatial_thing", "unit", "agent", "agent_relationship_role", "agent_relationship", "membership",
                "resource_specification", "process_specification", "product_batch", "scenario_definition",
                "scenario", "plan", "agreement", "process", "recipe_exchange", "recipe_process", "recipe_flow",
                "economic_resource", "economic_event", "claim", "intent", "commitment", "proposal",
                "proposed_intent", "proposed_to", "fulfillment", "satisfaction", "settlement", "appreciation")
