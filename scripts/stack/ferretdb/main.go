// Command ferretdb-local runs FerretDB v1 (MongoDB wire protocol) on an SQLite
// directory for the local stack. Built by scripts/stack/install-ferretdb.sh.
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
	sqlite := flag.String("sqlite-url", "file:.data/ferretdb/", "SQLite directory URI (directory must exist, URI must end with /)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		log.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lv}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqlite,
	})
	if err != nil {
		log.Fatal(err)
	}
	log.Printf("ferretdb-local: listening on %s, sqlite %s", *listen, *sqlite)
	if err := f.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
