#!/bin/sh
# Healthcheck of the `mongo` service, which runs mongod with --replSet rs0. The first probes find the
# replica set uninitialised and initiate it as a single member reachable at MONGO_REPLICA_HOST (the
# compose hostname, so the app's replicaSet=rs0 connection strings resolve it); from then on the check
# passes only while this member is the writable primary. Change streams (the search indexer) and
# transactions need a replica set, which is why a standalone mongod is not enough.
set -eu

exec mongosh --quiet --norc --eval '
const setName = process.env.MONGO_REPLICA_SET || "rs0";
const host = process.env.MONGO_REPLICA_HOST || "mongo:27017";
try {
  rs.status();
} catch (error) {
  if (error.codeName !== "NotYetInitialized" && error.code !== 94) {
    throw error;
  }
  print("initiating replica set " + setName + " with member " + host);
  rs.initiate({ _id: setName, members: [{ _id: 0, host: host }] });
}
if (!db.hello().isWritablePrimary) {
  print("replica set " + setName + " has no writable primary yet");
  quit(1);
}
'
