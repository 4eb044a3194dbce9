// Command ferretdb-local runs FerretDB v1 (MongoDB wire protocol) for the local stack, on PostgreSQL
// (the stack's own cluster, the default) or on an SQLite directory. Built by
// scripts/stack/install-ferretdb.sh.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP listen address")
	handler := flag.String("handler", "postgresql", "storage backend: postgresql or sqlite")
	postgresql := flag.String("postgresql-url", "postgres://postgres@127.0.0.1:5433/ferretdb", "PostgreSQL URL (handler postgresql)")
	sqlite := flag.String("sqlite-url", "file:.data/ferretdb/", "SQLite directory URI (handler sqlite; directory must exist, URI must end with /)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Logger:   logger,
		Handler:  *handler,
	}
	storage := ""
	switch *handler {
	case "postgresql":
		config.PostgreSQLURL = *postgresql
		storage = *postgresql
	case "sqlite":
		config.SQLiteURL = *sqlite
		storage = *sqlite
	default:
		log.Fatalf("ferretdb-local: unknown -handler %q (postgresql or sqlite)", *handler)
	}

	f, err := ferretdb.New(config)
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("ferretdb-local: listening on %s, %s %s", *listen, *handler, storage)
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
