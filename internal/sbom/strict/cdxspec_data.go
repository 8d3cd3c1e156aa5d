package strict

// Machine-learning model cards and component data (1.5+), with the
// environmental considerations of 1.6.

func specDataKinds() []*specKind {
	return []*specKind{
		{name: "modelCard", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("modelParameters", specO("modelParameters")),
			specP("quantitativeAnalysis", specO("quantitativeAnalysis")),
			specP("considerations", specO("considerations")),
			specP("properties", specProps()),
		}},
		{name: "modelParameters", props: []specProp{
			specP("approach", specO("mlApproach")),
			specP("task", specS()),
			specP("architectureFamily", specS()),
			specP("modelArchitecture", specS()),
			specP("datasets", specA(&specVal{typ: specObj, custom: jsonDataset})),
			specP("inputs", specAO("mlParameter")),
			specP("outputs", specAO("mlParameter")),
		}},
		{name: "mlApproach", props: []specProp{
			specP("type", specE(5, "supervised", "unsupervised", "reinforcement-learning", "semi-supervised",
				"self-supervised")),
		}},
		{name: "datasetRef", required: specReqs("ref"), props: []specProp{specP("ref", specRefOrLink())}},
		{name: "mlParameter", props: []specProp{specP("format", specS())}},
		{name: "quantitativeAnalysis", props: []specProp{
			specP("performanceMetrics", specAO("performanceMetric")),
			specP("graphics", specO("graphicsCollection")),
		}},
		{name: "performanceMetric", props: []specProp{
			specP("type", specS()), specP("value", specS()), specP("slice", specS()),
			specP("confidenceInterval", specO("confidenceInterval")),
		}},
		{name: "confidenceInterval", props: []specProp{specP("lowerBound", specS()), specP("upperBound", specS())}},
		{name: "considerations", props: []specProp{
			specP("users", specStrs()), specP("useCases", specStrs()), specP("technicalLimitations", specStrs()),
			specP("performanceTradeoffs", specStrs()),
			specP("ethicalConsiderations", specAO("risk")),
			specPv("environmentalConsiderations", 6, specO("environmentalConsiderations")),
			specP("fairnessAssessments", specAO("fairnessAssessment")),
		}},
		{name: "risk", props: []specProp{specP("name", specS()), specP("mitigationStrategy", specS())}},
		{name: "fairnessAssessment", props: []specProp{
			specP("groupAtRisk", specS()), specP("benefits", specS()), specP("harms", specS()),
			specP("mitigationStrategy", specS()),
		}},
		{name: "environmentalConsiderations", props: []specProp{
			specP("energyConsumptions", specAO("energyConsumption")),
			specP("properties", specProps()),
		}},
		{name: "energyConsumption", required: specReqs("activity", "energyProviders", "activityEnergyCost"),
			props: []specProp{
				specP("activity", specE(6, "design", "data-collection", "data-preparation", "training",
					"fine-tuning", "validation", "deployment", "inference", "other")),
				specP("energyProviders", specAO("energyProvider")),
				specP("activityEnergyCost", specO("energyMeasure")),
				specP("co2CostEquivalent", specO("co2Measure")),
				specP("co2CostOffset", specO("co2Measure")),
				specP("properties", specProps()),
			}},
		{name: "energyMeasure", required: specReqs("value", "unit"), props: []specProp{
			specP("value", specN()), specP("unit", specE(6, "kWh")),
		}},
		{name: "co2Measure", required: specReqs("value", "unit"), props: []specProp{
			specP("value", specN()), specP("unit", specE(6, "tCO2eq")),
		}},
		{name: "energyProvider", required: specReqs("organization", "energySource", "energyProvided"),
			props: []specProp{
				specP("bom-ref", specBOMRef()),
				specP("description", specS()),
				specP("organization", specOrg()),
				specP("energySource", specE(6, "coal", "oil", "natural-gas", "nuclear", "wind", "solar",
					"geothermal", "hydropower", "biofuel", "unknown", "other")),
				specP("energyProvided", specO("energyMeasure")),
				specP("externalReferences", specExtRefs()),
			}},
		{name: "componentData", required: specReqs("type"), props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("type", specE(5, "source-code", "configuration", "dataset", "definition", "other")),
			specP("name", specS()),
			specP("contents", specO("dataContents")),
			specP("classification", specS()),
			specP("sensitiveData", specStrs()),
			specP("graphics", specO("graphicsCollection")),
			specP("description", specS()),
			specP("governance", specO("dataGovernance")),
		}},
		{name: "dataContents", props: []specProp{
			specP("attachment", specAttach()),
			specP("url", specIRI()),
			specP("properties", specProps()),
		}},
		{name: "dataGovernance", props: []specProp{
			specP("custodians", specAO("responsibleParty")),
			specP("stewards", specAO("responsibleParty")),
			specP("owners", specAO("responsibleParty")),
		}},
		{name: "responsibleParty", exactlyOne: [][]string{{"organization"}, {"contact"}}, props: []specProp{
			specP("organization", specOrg()),
			specP("contact", specContact()),
		}},
		{name: "graphicsCollection", props: []specProp{
			specP("description", specS()),
			specP("collection", specAO("graphic")),
		}},
		{name: "graphic", props: []specProp{specP("name", specS()), specP("image", specAttach())}},
	}
}
