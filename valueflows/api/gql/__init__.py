"""The GraphQL door: a superset of the reference ValueFlows schema (@valueflows/vf-graphql 0.8.5)."""
