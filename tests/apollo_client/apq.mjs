// Apollo Client with its persisted-query link against running gateways: what a
// frontend does, request for request.
//
//   node apq.mjs FIRST_URL SECOND_URL CUSTOMER_ID [--header "name: value"]...
//
// Three clients, each with its own link and cache:
//   first    GET for hashed queries, against FIRST_URL: its query is unknown there
//   second   GET for hashed queries, against SECOND_URL: the same query, now known
//   posting  POST only, against SECOND_URL: another query, unknown
// Prints one JSON object: each client's data (or error message) and every HTTP
// request the clients sent, in order, with the answer's status and body.
import { createHash } from "node:crypto";

import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const [firstUrl, secondUrl, customerId, ...rest] = process.argv.slice(2);
if (!firstUrl || !secondUrl || !customerId) {
  console.error("usage: node apq.mjs FIRST_URL SECOND_URL CUSTOMER_ID [--header 'name: value']...");
  process.exit(2);
}
const headers = {};
for (let i = 0; i < rest.length; i += 2) {
  const header = rest[i + 1];
  if (rest[i] !== "--header" || header === undefined || !header.includes(":")) {
    console.error(`unexpected argument: ${rest[i]}`);
    process.exit(2);
  }
  const colon = header.indexOf(":");
  headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
}

const requests = [];

async function recordingFetch(input, init = {}) {
  const response = await fetch(input, init);
  const url = new URL(String(input));
  requests.push({
    client: init.headers?.["x-test-client"] ?? null,
    method: init.method ?? "GET",
    params: Object.fromEntries(url.searchParams),
    body: typeof init.body === "string" ? JSON.parse(init.body) : null,
    status: response.status,
    contentType: response.headers.get("content-type"),
    cacheControl: response.headers.get("cache-control"),
    answer: await response.clone().text(),
  });
  return response;
}

function apolloClient(name, uri, useGETForHashedQueries) {
  const persisted = new PersistedQueryLink({
    sha256: (document) => createHash("sha256").update(document).digest("hex"),
    useGETForHashedQueries,
  });
  const http = new HttpLink({
    uri,
    headers: { ...headers, "x-test-client": name },
    fetch: recordingFetch,
  });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const CUSTOMER = gql`
  query Customer($id: ID!) {
    customer(id: $id) {
      name
      email
    }
  }
`;
const APP = gql`
  query App {
    app {
      name
      currency
    }
  }
`;

async function run(client, query, variables) {
  try {
    const { data } = await client.query({ query, variables, fetchPolicy: "network-only" });
    return { data };
  } catch (error) {
    return { error: String(error?.message ?? error) };
  }
}

const results = {
  first: await run(apolloClient("first", firstUrl, true), CUSTOMER, { id: customerId }),
  second: await run(apolloClient("second", secondUrl, true), CUSTOMER, { id: customerId }),
  posting: await run(apolloClient("posting", secondUrl, false), APP, {}),
};
console.log(JSON.stringify({ results, requests }));
