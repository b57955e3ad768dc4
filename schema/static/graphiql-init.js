// Starts GraphiQL against this gateway's /graphql. Every operation needs the API
// credentials: put them in the Headers tab, or pre-fill the page with
// ?headers=<JSON>&q=<query>&variables=<JSON> (the parameter names Strawberry's page uses;
// "query" itself would make the URL a GraphQL GET request). Subscriptions run over a
// graphql-transport-ws websocket on the same /graphql; GraphiQL sends the Headers tab
// as the connection_init payload, where the gateway reads the same two credentials.
(function () {
  "use strict";
  var params = new URLSearchParams(window.location.search);
  var placeholderHeaders = JSON.stringify(
    { "x-client-key": "", "x-client-secret": "" },
    null,
    2,
  );
  var socketOrigin = window.location.origin.replace(/^http/, "ws");
  var fetcher = GraphiQL.createFetcher({
    url: window.location.origin + "/graphql",
    subscriptionUrl: socketOrigin + "/graphql",
  });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      // GraphiQL 4 reads these once, as the first tab's initial contents.
      query: params.get("q") || undefined,
      variables: params.get("variables") || undefined,
      headers: params.get("headers") || undefined,
      defaultHeaders: placeholderHeaders,
    }),
  );
})();
