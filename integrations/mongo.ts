import { MongoClient, type Db } from 'mongodb';
import type { Env } from '../config/env';

export interface Database {
  client: MongoClient;
  db: Db;
}

export async function connectDatabase(env: Env): Promise<Database> {
  const client = new MongoClient(env.MONGODB_URI, {
    serverSelectionTimeoutMS: 5_000,
    appName: 'marketplace',
  });
  await client.connect();
  // The database name comes from the URI path, as every MongoDB tool expects.
  return { client, db: client.db() };
}
