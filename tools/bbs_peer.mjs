// A line-oriented JSON driver for @digitalbazaar/bbs-signatures (the interop
// peer RealDID's tests and benchmark run against). One request per line on
// stdin, one response per line on stdout; byte strings are hex.
//
//   {"op": "keygen", "ciphersuite": "BLS12-381-SHA-256", "seed": "<hex>"}
//   {"op": "sign" | "verify" | "deriveProof" | "verifyProof", ...}
//   {"op": "bench", "ciphersuite": ..., "L": 10, "disclosed": [...], "iterations": 20}
//
// Responses: {"ok": true, ...} or {"ok": false, "error": "..."}.
import * as bbs from '@digitalbazaar/bbs-signatures';
import {createInterface} from 'node:readline';
import {performance} from 'node:perf_hooks';
import {randomBytes} from 'node:crypto';

const hex = bytes => Buffer.from(bytes).toString('hex');
const unhex = s => new Uint8Array(Buffer.from(s ?? '', 'hex'));
const unhexAll = list => (list ?? []).map(unhex);

async function verifyOutcome(promise) {
  try {
    return {ok: true, verified: (await promise) === true};
  } catch(e) {
    return {ok: true, verified: false, error: String(e.message ?? e)};
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeIt(iterations, fn) {
  await fn(); // warm-up
  const samples = [];
  for(let i = 0; i < iterations; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function bench(req) {
  const {ciphersuite, L, disclosed, iterations} = req;
  const {secretKey, publicKey} = await bbs.generateKeyPair({ciphersuite});
  const header = randomBytes(16);
  const presentationHeader = randomBytes(32);
  const messages = Array.from({length: L}, () => new Uint8Array(randomBytes(32)));
  const signature = await bbs.sign({secretKey, publicKey, header, messages, ciphersuite});
  const proof = await bbs.deriveProof({
    publicKey, signature, header, messages, presentationHeader,
    disclosedMessageIndexes: disclosed, ciphersuite
  });
  const disclosedMessages = disclosed.map(i => messages[i]);
  return {
    ok: true,
    sign_ms: await timeIt(iterations, () => bbs.sign(
      {secretKey, publicKey, header, messages, ciphersuite})),
    verify_ms: await timeIt(iterations, () => bbs.verifySignature(
      {publicKey, signature, header, messages, ciphersuite})),
    proofgen_ms: await timeIt(iterations, () => bbs.deriveProof({
      publicKey, signature, header, messages, presentationHeader,
      disclosedMessageIndexes: disclosed, ciphersuite})),
    proofverify_ms: await timeIt(iterations, () => bbs.verifyProof({
      publicKey, proof, header, presentationHeader, disclosedMessages,
      disclosedMessageIndexes: disclosed, ciphersuite}))
  };
}

async function handle(req) {
  const ciphersuite = req.ciphersuite;
  switch(req.op) {
    case 'keygen': {
      const {secretKey, publicKey} = await bbs.generateKeyPair(
        {seed: req.seed ? unhex(req.seed) : undefined, ciphersuite});
      return {ok: true, secretKey: hex(secretKey), publicKey: hex(publicKey)};
    }
    case 'sign':
      return {ok: true, signature: hex(await bbs.sign({
        secretKey: unhex(req.secretKey), publicKey: unhex(req.publicKey),
        header: unhex(req.header), messages: unhexAll(req.messages), ciphersuite}))};
    case 'verify':
      return verifyOutcome(bbs.verifySignature({
        publicKey: unhex(req.publicKey), signature: unhex(req.signature),
        header: unhex(req.header), messages: unhexAll(req.messages), ciphersuite}));
    case 'deriveProof':
      return {ok: true, proof: hex(await bbs.deriveProof({
        publicKey: unhex(req.publicKey), signature: unhex(req.signature),
        header: unhex(req.header), messages: unhexAll(req.messages),
        presentationHeader: unhex(req.presentationHeader),
        disclosedMessageIndexes: req.disclosedMessageIndexes, ciphersuite}))};
    case 'verifyProof':
      return verifyOutcome(bbs.verifyProof({
        publicKey: unhex(req.publicKey), proof: unhex(req.proof),
        header: unhex(req.header), presentationHeader: unhex(req.presentationHeader),
        disclosedMessages: unhexAll(req.disclosedMessages),
        disclosedMessageIndexes: req.disclosedMessageIndexes, ciphersuite}));
    case 'bench':
      return bench(req);
    default:
      return {ok: false, error: `unknown op ${req.op}`};
  }
}

const rl = createInterface({input: process.stdin, terminal: false});
for await (const line of rl) {
  if(!line.trim()) {
    continue;
  }
  let response;
  try {
    response = await handle(JSON.parse(line));
  } catch(e) {
    response = {ok: false, error: String(e.message ?? e)};
  }
  process.stdout.write(JSON.stringify(response) + '\n');
}
