// Runs BSI's CSAF validator library (@secvisogram/csaf-validator-lib) on
// CSAF 2.0 documents: the strict schema test and every mandatory test
// (6.1.x, including the VEX profile tests 6.1.27.7-6.1.27.10).
//
//   node validate-csaf.mjs doc.json [doc2.json ...]
//
// Prints one JSON object per line: {"file", "isValid", "failed": [{"name",
// "errors": [{"instancePath", "message"}]}], "warnings": [...]}. Exits 0
// when it could run the tests (whatever they found), 2 on a usage or
// input error. scripts/install-csaf-validator.sh installs the library
// next to this file.
import { readFile } from 'node:fs/promises'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as schemaTests from '@secvisogram/csaf-validator-lib/schemaTests.js'
import * as mandatoryTests from '@secvisogram/csaf-validator-lib/mandatoryTests.js'

const files = process.argv.slice(2)
if (files.length === 0) {
  console.error('usage: node validate-csaf.mjs doc.json...')
  process.exit(2)
}
const tests = [...Object.values(schemaTests), ...Object.values(mandatoryTests)]
for (const file of files) {
  let doc
  try {
    doc = JSON.parse(await readFile(file, 'utf8'))
  } catch (e) {
    console.error(`${file}: ${e.message}`)
    process.exit(2)
  }
  const result = await validateStrict(tests, doc)
  const failed = result.tests
    .filter((t) => !t.isValid || t.errors.length > 0)
    .map((t) => ({ name: t.name, errors: t.errors }))
  const warnings = result.tests
    .filter((t) => t.warnings.length > 0)
    .map((t) => ({ name: t.name, warnings: t.warnings }))
  const ran = result.tests.map((t) => t.name)
  console.log(JSON.stringify({ file, isValid: result.isValid, ran, failed, warnings }))
}
