"""ActivityPub: the node and its organizations as actors other nodes can find (WebFinger), read (actor documents,
outboxes of their public records) and, in later parts, follow and trade with. A door like the others: what it
publishes is what the access policy shows an anonymous reader."""
