// Checks HogQL as PostHog's query API does before it runs anything: parsed by PostHog's own parser
// (@posthog/hogql-parser, the WebAssembly build of the C++ parser PostHog's server uses), then every function call
// looked up in PostHog's function table (functions.json, transcribed from posthog/hogql/functions/) with the
// printer's rules (posthog/hogql/printer/base.py visit_call): comparison functions take two arguments, aggregations
// and functions their argument and parameter counts, an aggregation is never nested in another within one SELECT,
// and an unknown name is "Unsupported function call 'x(...)'", with the closest exposed name PostHog suggests.
//
// Protocol: one JSON object per line on stdin, {"id": n, "query": "SELECT ..."}; one per line on stdout,
// {"id": n, "ok": true} or {"id": n, "ok": false, "detail": "..."}, the detail as PostHog words it.
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import createHogQLParser from '@posthog/hogql-parser'

const table = JSON.parse(readFileSync(new URL('./functions.json', import.meta.url), 'utf8'))
const parser = await createHogQLParser()

const comparisons = new Set(['equals', 'notEquals', 'less', 'greater', 'lessOrEquals', 'greaterOrEquals', 'like', 'ilike',
    'notLike', 'notILike', 'in', 'notIn'])

const byName = (entries) => new Map(entries.map((f) => [f.name, f]))
const aggregations = byName(table.aggregations)
const functions = byName(table.functions)
const posthogFunctions = byName(table.posthog_functions)
const exposed = [...functions.keys(), ...aggregations.keys()].filter((n) => !n.startsWith('_'))

// mapping.py _find_function: the exact name, else the lower-cased name when that entry is not case-sensitive.
function find(map, name) {
    const exact = map.get(name)
    if (exact) return exact
    const lower = map.get(name.toLowerCase())
    return lower && lower.case_sensitive === false ? lower : undefined
}

class QueryError extends Error {}

// core.py validate_function_args, word for word.
function validateCount(items, min, max, name, functionTerm = 'function', argumentTerm = 'argument') {
    const count = items.length
    const tooFew = count < min
    const tooMany = max !== null && count > max
    const term = functionTerm[0].toUpperCase() + functionTerm.slice(1)
    if (min === max && (tooFew || tooMany))
        throw new QueryError(`${term} '${name}' expects ${min} ${argumentTerm}${min !== 1 ? 's' : ''}, found ${count}`)
    if (tooFew) throw new QueryError(`${term} '${name}' expects at least ${min} ${argumentTerm}${min !== 1 ? 's' : ''}, found ${count}`)
    if (tooMany) throw new QueryError(`${term} '${name}' expects at most ${max} ${argumentTerm}${max !== 1 ? 's' : ''}, found ${count}`)
}

function checkCall(call, ancestors) {
    const name = call.name
    const args = call.args ?? []
    if (comparisons.has(name)) {
        if (args.length !== 2) throw new QueryError(`Comparison '${name}' requires exactly two arguments`)
        return
    }
    const aggregation = find(aggregations, name)
    if (aggregation) {
        validateCount(args, aggregation.min_args, aggregation.max_args, name, 'aggregation')
        if (aggregation.min_params) {
            if (call.params === null || call.params === undefined)
                throw new QueryError(`Aggregation '${name}' requires parameters in addition to arguments`)
            validateCount(call.params, aggregation.min_params, aggregation.max_params, name, 'aggregation', 'parameter')
        }
        for (const outer of [...ancestors].reverse()) {
            if (outer.node === 'SelectQuery') break
            if (outer.node === 'Call' && find(aggregations, outer.name))
                throw new QueryError(`Aggregation '${name}' cannot be nested inside another aggregation '${outer.name}'.`)
        }
        return
    }
    const fn = find(functions, name)
    if (fn) {
        validateCount(args, fn.min_args, fn.max_args, name)
        if (fn.min_params) {
            if (call.params === null || call.params === undefined)
                throw new QueryError(`Function '${name}' requires parameters in addition to arguments`)
            validateCount(call.params, fn.min_params, fn.max_params, name, 'function', 'parameter')
        }
        return
    }
    const posthog = find(posthogFunctions, name)
    if (posthog) {
        validateCount(args, posthog.min_args, posthog.max_args, name)
        return
    }
    const [close] = closeMatches(name, exposed, 1, 0.6)
    throw new QueryError(close
        ? `Unsupported function call '${name}(...)'. Perhaps you meant '${close}(...)'?`
        : `Unsupported function call '${name}(...)'`)
}

function walk(node, ancestors) {
    if (Array.isArray(node)) {
        for (const item of node) walk(item, ancestors)
        return
    }
    if (node === null || typeof node !== 'object') return
    if (node.node === 'Call') checkCall(node, ancestors)
    ancestors.push(node)
    for (const [key, value] of Object.entries(node)) if (key !== 'node') walk(value, ancestors)
    ancestors.pop()
}

export function check(query) {
    const ast = JSON.parse(parser.parseSelect(query, true))
    if (ast.error) return { ok: false, detail: ast.message }
    try {
        walk(ast, [])
        return { ok: true }
    } catch (e) {
        if (e instanceof QueryError) return { ok: false, detail: e.message }
        throw e
    }
}

// Python's difflib.get_close_matches, which the printer uses for its suggestion: SequenceMatcher ratios (matching
// blocks found as difflib finds them, without its junk heuristic, which only applies to sequences of 200 or more).
function closeMatches(word, possibilities, n, cutoff) {
    const scored = []
    for (const x of possibilities) {
        const ratio = sequenceRatio(x, word)
        if (ratio >= cutoff) scored.push([ratio, x])
    }
    scored.sort((a, b) => b[0] - a[0] || (b[1] > a[1] ? 1 : b[1] < a[1] ? -1 : 0))
    return scored.slice(0, n).map(([, x]) => x)
}

function sequenceRatio(a, b) {
    const total = a.length + b.length
    if (total === 0) return 1
    let matches = 0
    const queue = [[0, a.length, 0, b.length]]
    while (queue.length) {
        const [alo, ahi, blo, bhi] = queue.pop()
        const [i, j, k] = longestMatch(a, b, alo, ahi, blo, bhi)
        if (k) {
            matches += k
            if (alo < i && blo < j) queue.push([alo, i, blo, j])
            if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi])
        }
    }
    return (2 * matches) / total
}

function longestMatch(a, b, alo, ahi, blo, bhi) {
    let besti = alo, bestj = blo, bestsize = 0
    let lengths = new Map()
    for (let i = alo; i < ahi; i++) {
        const next = new Map()
        for (let j = blo; j < bhi; j++) {
            if (a[i] !== b[j]) continue
            const k = (lengths.get(j - 1) ?? 0) + 1
            next.set(j, k)
            if (k > bestsize) {
                besti = i - k + 1
                bestj = j - k + 1
                bestsize = k
            }
        }
        lengths = next
    }
    return [besti, bestj, bestsize]
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
    const lines = createInterface({ input: process.stdin })
    for await (const line of lines) {
        if (!line.trim()) continue
        const { id, query } = JSON.parse(line)
        let answer
        try {
            answer = { id, ...check(query) }
        } catch (e) {
            answer = { id, ok: false, detail: `The checker failed: ${e.message}` }
        }
        process.stdout.write(JSON.stringify(answer) + '\n')
    }
}
