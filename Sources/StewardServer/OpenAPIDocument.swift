/// The OpenAPI 3.1 description of the control plane's API, served at `/api/v1/openapi.json`.
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.1.0",
      "info": {"title": "Steward control plane", "version": "1"},
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
          "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object",
            "required": ["status", "message"], "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
            "details": {"type": "array", "items": {"type": "object", "properties": {"message": {"type": "string"},
            "line": {"type": "integer"}, "column": {"type": "integer"}, "path": {"type": "string"}}}}}}}},
          "DeployRequest": {"type": "object", "required": ["service", "environment", "version"], "properties": {
            "service": {"type": "string"}, "environment": {"type": "string"}, "version": {"type": "string"},
            "set": {"type": "object", "additionalProperties": {"type": "string"}}}},
          "RollbackRequest": {"type": "object", "required": ["service", "environment"], "properties": {
            "service": {"type": "string"}, "environment": {"type": "string"}}},
          "AbortRequest": {"type": "object", "properties": {"reason": {"type": "string"}}},
          "Deployment": {"type": "object", "properties": {"id": {"type": "integer"}, "kind": {"type": "string"},
            "phase": {"type": "string", "enum": ["pending", "rolling", "aborting", "succeeded", "failed"]},
            "release": {"type": "integer"}, "previousRelease": {"type": "integer"}, "reason": {"type": "string"},
            "newInstances": {"type": "array", "items": {"type": "string"}}, "oldInstances": {"type": "array", "items": {"type": "string"}}}}
        },
        "responses": {
          "Problem": {"description": "The request was refused; the body says what and why.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
      },
      "security": [{"bearer": []}],
      "paths": {
        "/healthz": {"get": {"summary": "Liveness of the control plane", "security": [], "responses": {"200": {"description": "alive"}}}},
        "/readyz": {"get": {"summary": "Readiness: the store answers", "security": [], "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}},
        "/metrics": {"get": {"summary": "Prometheus metrics", "security": [], "responses": {"200": {"description": "text format 0.0.4"}}}},
        "/api/v1/status": {"get": {"summary": "Every service in every environment", "responses": {"200": {"description": "status"}, "401": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/stack": {
          "get": {"summary": "The stack in force", "responses": {"200": {"description": "stack"}, "404": {"$ref": "#/components/responses/Problem"}}},
          "put": {"summary": "Validate and apply a stack file (YAML body)", "requestBody": {"content": {"application/yaml": {"schema": {"type": "string"}}}},
            "responses": {"200": {"description": "applied"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/services": {"get": {"summary": "Services of the stack", "responses": {"200": {"description": "services"}}}},
        "/api/v1/services/{name}": {"get": {"summary": "One service", "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
          "responses": {"200": {"description": "service"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/services/{name}/logs": {"get": {"summary": "Output of a service's instances", "parameters": [
          {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}},
          {"name": "environment", "in": "query", "required": true, "schema": {"type": "string"}},
          {"name": "tail", "in": "query", "schema": {"type": "integer"}},
          {"name": "offsets", "in": "query", "schema": {"type": "string"}, "description": "id:offset,id:offset to continue"}],
          "responses": {"200": {"description": "log chunks"}, "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/environments": {"get": {"summary": "Environments of the stack", "responses": {"200": {"description": "environments"}}}},
        "/api/v1/releases": {"get": {"summary": "Releases, newest first", "parameters": [
          {"name": "service", "in": "query", "schema": {"type": "string"}}, {"name": "environment", "in": "query", "schema": {"type": "string"}}],
          "responses": {"200": {"description": "releases"}}}},
        "/api/v1/deployments": {
          "get": {"summary": "Deployments, newest first", "responses": {"200": {"description": "deployments"}}},
          "post": {"summary": "Deploy a version (rolling)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/DeployRequest"}}}},
            "responses": {"202": {"description": "started", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Deployment"}}}},
              "400": {"$ref": "#/components/responses/Problem"}, "404": {"$ref": "#/components/responses/Problem"},
              "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/deployments/{id}": {"get": {"summary": "One deployment", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
          "responses": {"200": {"description": "deployment"}, "404": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/deployments/{id}/abort": {"post": {"summary": "Abort a deployment in progress", "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
          "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/AbortRequest"}}}},
          "responses": {"202": {"description": "aborting"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/rollbacks": {"post": {"summary": "Return to the previous release", "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RollbackRequest"}}}},
          "responses": {"202": {"description": "started"}, "404": {"$ref": "#/components/responses/Problem"}, "409": {"$ref": "#/components/responses/Problem"}, "422": {"$ref": "#/components/responses/Problem"}}}},
        "/api/v1/instances": {"get": {"summary": "Instances on the agent", "responses": {"200": {"description": "instances"}}}},
        "/api/v1/events": {"get": {"summary": "The event log", "parameters": [
          {"name": "after", "in": "query", "schema": {"type": "integer"}}, {"name": "limit", "in": "query", "schema": {"type": "integer"}},
          {"name": "type", "in": "query", "schema": {"type": "string"}}, {"name": "subject", "in": "query", "schema": {"type": "string"}}],
          "responses": {"200": {"description": "events"}}}},
        "/api/v1/audit/verify": {"get": {"summary": "Check the hash chain of the log", "responses": {"200": {"description": "report"}}}},
        "/api/v1/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI"}}}}
      }
    }
    """#
}
