// Validates an OpenAPI document (a file, JSON or YAML) with
// @apidevtools/swagger-parser: its structure against the OpenAPI 3.0
// schema, and every $ref.  Exit 0 when valid; else the reasons, exit 1.
//
//     node tests/openapi/validate.mjs FILE
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
if (!file) {
	console.error("usage: node validate.mjs FILE");
	process.exit(2);
}
try {
	const api = await SwaggerParser.validate(file);
	console.log(`valid: OpenAPI ${api.openapi}, ` +
	    `${Object.keys(api.paths).length} paths`);
} catch (e) {
	console.error(e.message);
	process.exit(1);
}
