// Scores one results file of the suite: node score.mjs SUITE_DIR RESULTS.json [NAME]
// Prints one JSON line: {name, required:{passed,total}, optimal:{passed,total}, shown:{...}, failing:{required:[...], optimal:[...]}}.
// "passed" counts a test whose result is true, as the figures published for results/*.json are
// counted (it gives httpd 141/163, nginx 115/163, ATS 74/107 optimal from the suite's results/);
// "shown" is what cache-tests.fyi's table shows as a pass (test-engine/lib/results.mjs
// determineTestResult, dependencies honoured: a pass whose dependency failed shows as ⚪️).
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const [suiteDir, resultsFile, name = path.basename(resultsFile, '.json')] = process.argv.slice(2)
const imp = f => import(pathToFileURL(path.resolve(suiteDir, f)).href)
const tests = (await imp('tests/index.mjs')).default
// test-engine/lib/results.mjs in the repository; npm's older package has it in lib/display.mjs
const where = ['test-engine/lib/results.mjs', 'lib/results.mjs', 'lib/display.mjs'].find(f => fs.existsSync(path.join(suiteDir, f)))
const { determineTestResult } = await imp(where)
const isPass = shown => shown[2] === '✅' // resultTypes.pass (not exported by the older package)
const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'))

const count = () => ({ passed: 0, total: 0 })
const out = { name, required: count(), optimal: count(), shown: { required: count(), optimal: count() }, failing: { required: [], optimal: [] } }
for (const suite of tests) {
  for (const test of suite.tests) {
    const kind = test.kind || 'required'
    if (!(kind in out.failing)) continue
    out[kind].total++
    out.shown[kind].total++
    if (results[test.id] === true) out[kind].passed++
    else out.failing[kind].push(test.id)
    if (isPass(determineTestResult(tests, test.id, results))) out.shown[kind].passed++
  }
}
console.log(JSON.stringify(out))
