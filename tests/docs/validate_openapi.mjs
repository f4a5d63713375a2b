// validate_openapi.mjs - checks an OpenAPI document against the OpenAPI 3.0
// schema and its own rules ($refs resolve, operation ids unique, path
// parameters declared) with @apidevtools/swagger-parser. Prints one line per
// error and a closing "openapi-schema: N passed, N failed" line; exits 1 when
// the document is not a valid OpenAPI 3.0.x document.
// Usage: node tests/docs/validate_openapi.mjs docs/openapi.yaml
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
if (!file) {
	console.error("usage: validate_openapi.mjs FILE");
	process.exit(2);
}

let failed = false;
try {
	const api = await SwaggerParser.validate(file);
	if (typeof api.openapi !== "string" || !/^3\.0\.\d+$/.test(api.openapi)) {
		throw new Error(`openapi is ${JSON.stringify(api.openapi)}, not 3.0.x`);
	}
	const n = Object.keys(api.paths || {}).length;
	console.log(`${file}: valid OpenAPI ${api.openapi} document, ${n} paths`);
} catch (e) {
	failed = true;
	const details = Array.isArray(e.details) ? e.details : [];
	console.error(`${file}: ${e.message}`);
	for (const d of details) {
		console.error(`  at ${(d.path || []).join("/")}: ${d.message}`);
	}
}
console.log(`openapi-schema: ${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
process.exit(failed ? 1 : 0);
