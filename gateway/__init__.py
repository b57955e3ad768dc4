"""The invoice gateway: GraphQL and the v0 REST shim over one service layer."""
