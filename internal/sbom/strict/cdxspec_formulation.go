package strict

// Formulation (1.5+): how a product was built — workflows, tasks, steps,
// triggers, inputs and outputs, workspaces.

// specTaskCommon are the properties workflows and tasks share.
func specTaskCommon() []specProp {
	return []specProp{
		specP("bom-ref", specBOMRef()),
		specP("uid", specS()),
		specP("name", specS()),
		specP("description", specS()),
		specP("resourceReferences", specUO("resourceReference")),
		specP("taskTypes", specA(specE(5, "copy", "clone", "lint", "scan", "merge", "build", "test", "deliver",
			"deploy", "release", "clean", "other"))),
		specP("trigger", specO("trigger")),
		specP("steps", specUO("step")),
		specP("inputs", specUO("workflowInput")),
		specP("outputs", specUO("workflowOutput")),
		specP("timeStart", specTime()),
		specP("timeEnd", specTime()),
		specP("workspaces", specUO("workspace")),
		specP("runtimeTopology", specUO("taskDependency")),
		specP("properties", specProps()),
	}
}

// specEnvVars is a list of environment variables, each a property or a
// plain string.
func specEnvVars() *specVal { return specU(specEither(specO("property"), specS())) }

func specFormulationKinds() []*specKind {
	return []*specKind{
		{name: "formula", props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("components", specUO("component")),
			specP("services", specUO("service")),
			specP("workflows", specUO("workflow")),
			specP("properties", specProps()),
		}},
		{name: "workflow", required: specReqs("bom-ref", "uid", "taskTypes"), props: append(specTaskCommon(),
			specP("tasks", specUO("task")),
			specP("taskDependencies", specUO("taskDependency")))},
		{name: "task", required: specReqs("bom-ref", "uid", "taskTypes"), props: specTaskCommon()},
		{name: "step", props: []specProp{
			specP("name", specS()), specP("description", specS()),
			specP("commands", specAO("command")), specP("properties", specProps()),
		}},
		{name: "command", props: []specProp{specP("executed", specS()), specP("properties", specProps())}},
		{name: "workspace", required: specReqs("bom-ref", "uid"), props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("uid", specS()),
			specP("name", specS()),
			specP("aliases", specStrs()),
			specP("description", specS()),
			specP("resourceReferences", specUO("resourceReference")),
			specP("accessMode", specE(5, "read-only", "read-write", "read-write-once", "write-once", "write-only")),
			specP("mountPath", specS()),
			specP("managedDataType", specS()),
			specP("volumeRequest", specS()),
			specP("volume", specO("volume")),
			specP("properties", specProps()),
		}},
		{name: "volume", props: []specProp{
			specP("uid", specS()), specP("name", specS()), specP("mode", specE(5, "filesystem", "block")),
			specP("path", specS()), specP("sizeAllocated", specS()), specP("persistent", specB()),
			specP("remote", specB()), specP("properties", specProps()),
		}},
		{name: "trigger", required: specReqs("type", "bom-ref", "uid"), props: []specProp{
			specP("bom-ref", specBOMRef()),
			specP("uid", specS()),
			specP("name", specS()),
			specP("description", specS()),
			specP("resourceReferences", specUO("resourceReference")),
			specP("type", specE(5, "manual", "api", "webhook", "scheduled")),
			specP("event", specO("event")),
			specP("conditions", specUO("condition")),
			specP("timeActivated", specTime()),
			specP("inputs", specUO("workflowInput")),
			specP("outputs", specUO("workflowOutput")),
			specP("properties", specProps()),
		}},
		{name: "event", props: []specProp{
			specP("uid", specS()),
			specP("description", specS()),
			specP("timeReceived", specTime()),
			specP("data", specAttach()),
			specP("source", specO("resourceReference")),
			specP("target", specO("resourceReference")),
			specP("properties", specProps()),
		}},
		{name: "workflowInput", exactlyOne: [][]string{{"resource"}, {"parameters"}, {"environmentVars"}, {"data"}},
			props: []specProp{
				specP("source", specO("resourceReference")),
				specP("target", specO("resourceReference")),
				specP("resource", specO("resourceReference")),
				specP("parameters", specUO("parameter")),
				specP("environmentVars", specEnvVars()),
				specP("data", specAttach()),
				specP("properties", specProps()),
			}},
		{name: "workflowOutput", exactlyOne: [][]string{{"resource"}, {"environmentVars"}, {"data"}},
			props: []specProp{
				specP("type", specE(5, "artifact", "attestation", "log", "evidence", "metrics", "other")),
				specP("source", specO("resourceReference")),
				specP("target", specO("resourceReference")),
				specP("resource", specO("resourceReference")),
				specP("data", specAttach()),
				specP("environmentVars", specEnvVars()),
				specP("properties", specProps()),
			}},
		{name: "resourceReference", exactlyOne: [][]string{{"ref"}, {"externalReference"}}, props: []specProp{
			specP("ref", specRefOrLink()),
			specP("externalReference", specO("externalReference")),
		}},
		{name: "condition", props: []specProp{
			specP("description", specS()), specP("expression", specS()), specP("properties", specProps()),
		}},
		{name: "parameter", props: []specProp{
			specP("name", specS()), specP("value", specS()), specP("dataType", specS()),
		}},
	}
}
