// A small app of the kind docs/app-contract.md describes, using only build/json/ and its schemas: start at index.json,
// open each export it lists, check both against the schemas they name, and show each locale's booking button.
// Usage: node tests/consumer/app.js <a build's json/ folder, or a `dncontent fixtures` folder>
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const Ajv2020 = require("ajv/dist/2020");

const folder = process.argv[2];
const read = (name) => fs.readFileSync(path.join(folder, name));
// Formats (dates) stay annotations: with ajv-formats installed an app would pass it here.
const ajv = new Ajv2020({allErrors: true, validateFormats: false});
const validators = {};

// Each document names its schema in `$schema`: a file name beside it, or an address that ends in one.
function check(document, where) {
  const name = path.posix.basename(document.$schema);
  validators[name] = validators[name] || ajv.compile(JSON.parse(read(name)));
  if (!validators[name](document)) {
    throw new Error(`${where} does not follow ${name}: ${ajv.errorsText(validators[name].errors)}`);
  }
}

const index = JSON.parse(read("index.json"));
check(index, "index.json");
for (const entry of index.exports) {
  const bytes = read(entry.path);
  if (crypto.createHash("sha256").update(bytes).digest("hex") !== entry.sha256) {
    throw new Error(`${entry.path}: its sha256 is not the one index.json lists`);
  }
  const doc = JSON.parse(bytes);
  check(doc, entry.path);
  if (doc.revision !== entry.revision || doc.locale !== entry.locale) {
    throw new Error(`${entry.path}: its revision or locale is not the one index.json lists`);
  }
  // docs/app-contract.md: every locale has a call to action whose role is booking.
  const booking = doc.cta.find((cta) => cta.role === "booking");
  const draft = doc.review.status === "draft" ? " (draft)" : "";
  process.stdout.write(`${entry.locale}\t${doc.title}${draft}\t${booking.label}\t${booking.url}\n`);
}
