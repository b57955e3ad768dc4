// The GraphQL-over-HTTP audit (graphql-http's auditServer) against a running endpoint.
//
//   node audit.mjs URL [--header "name: value"]...
//
// Every audit request carries the given headers (credentials). Prints one JSON array:
// {id, name, status} per audit, plus reason and the response (status, content-type,
// body) for each that did not pass.
import { auditServer } from "graphql-http";

const [url, ...rest] = process.argv.slice(2);
if (!url) {
  console.error("usage: node audit.mjs URL [--header 'name: value']...");
  process.exit(2);
}
const extra = {};
for (let i = 0; i < rest.length; i += 2) {
  const header = rest[i + 1];
  if (rest[i] !== "--header" || header === undefined || !header.includes(":")) {
    console.error(`unexpected argument: ${rest[i]}`);
    process.exit(2);
  }
  const colon = header.indexOf(":");
  extra[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
}

function withHeaders(input, init = {}) {
  const headers = new Headers(init.headers);
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  return fetch(input, { ...init, headers });
}

const results = await auditServer({ url, fetchFn: withHeaders });
const report = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== "ok") {
    entry.reason = result.reason;
    entry.response = {
      status: result.response.status,
      contentType: result.response.headers.get("content-type"),
      body: await result.response.text().catch((error) => `<unreadable: ${error}>`),
    };
  }
  report.push(entry);
}
console.log(JSON.stringify(report, null, 2));
