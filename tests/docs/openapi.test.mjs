// openapi.test.mjs - a test of the OpenAPI check itself: the shipped
// docs/openapi.yaml passes validate_openapi.mjs, and copies of it with one
// planted defect each are rejected (the comma inside a flow mapping that
// once made text into keys, a $ref to nothing, an operation without
// responses, a version that is not 3.0.x).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const validator = join(here, "validate_openapi.mjs");
const shipped = readFileSync(join(root, "docs", "openapi.yaml"), "utf8");

function validate(text) {
	const dir = mkdtempSync(join(tmpdir(), "openapi-check-"));
	try {
		const file = join(dir, "openapi.yaml");
		writeFileSync(file, text);
		const r = spawnSync(process.execPath, [validator, file], { encoding: "utf8" });
		return { status: r.status, output: r.stdout + r.stderr };
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

// Inserts a path item right after the top-level "paths:" line.
function withPath(item) {
	assert.match(shipped, /^paths:\n/m, "docs/openapi.yaml has a top-level paths: line");
	return shipped.replace(/^paths:\n/m, `paths:\n${item}`);
}

test("the shipped docs/openapi.yaml is a valid OpenAPI 3.0 document", () => {
	const r = validate(shipped);
	assert.equal(r.status, 0, r.output);
	assert.match(r.output, /valid OpenAPI 3\.0\.\d+ document/);
});

test("a comma in an unquoted flow-mapping description is rejected", () => {
	const r = validate(
		withPath(
			"  /planted:\n    get:\n      responses:\n" +
				'        "400": {description: bad_request, wrong_password or weak_password}\n',
		),
	);
	assert.equal(r.status, 1, r.output);
	assert.match(r.output, /planted/);
});

test("a $ref to a schema that does not exist is rejected", () => {
	const r = validate(
		withPath(
			"  /planted:\n    get:\n      responses:\n" +
				"        \"200\": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/NoSuchSchema'}}}}\n",
		),
	);
	assert.equal(r.status, 1, r.output);
	assert.match(r.output, /NoSuchSchema/);
});

test("an operation without responses is rejected", () => {
	const r = validate(withPath("  /planted:\n    get:\n      summary: no responses\n"));
	assert.equal(r.status, 1, r.output);
	assert.match(r.output, /planted/);
});

test("a document that is not OpenAPI 3.0.x is rejected", () => {
	assert.match(shipped, /^openapi: 3\.0\.\d+$/m);
	const r = validate(shipped.replace(/^openapi: 3\.0\.\d+$/m, "openapi: 3.1.0"));
	assert.equal(r.status, 1, r.output);
});
