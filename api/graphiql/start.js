// Starts GraphiQL (with the explorer plugin) against this server's `/graphql`. Every file it
// uses is served by the binary itself (api/graphiql/), so the page works without internet.
/* global React, ReactDOM, GraphiQL, GraphiQLPluginExplorer */
"use strict";

const endpoint = new URL("/graphql", window.location.origin).href;

const fetcher = GraphiQL.createFetcher({
  url: endpoint,
  // Same-origin cookies only; API keys go in the headers editor (`Authorization: Bearer …`).
  fetch: (url, options = {}) => fetch(url, { ...options, credentials: "same-origin" }),
});

const defaultQuery = `# Ctrl-Enter runs the query.
# Explorer (left): build a query by
# ticking fields. Docs: the schema.
# An API key goes in Headers below:
# { "Authorization": "Bearer <key>" }

query CaseStudies {
  caseStudies(first: 5) {
    totalCount
    nodes {
      slug
      title
      country
      summary(lang: "en") { text lang }
    }
  }
}
`;

ReactDOM.createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    defaultEditorToolsVisibility: true,
    isHeadersEditorEnabled: true,
    // Keys typed into the headers editor stay in the tab, not in localStorage.
    shouldPersistHeaders: false,
    plugins: [GraphiQLPluginExplorer.explorerPlugin()],
  }),
);
