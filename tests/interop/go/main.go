// Command trail-interop checks Tsunagi's signed checkpoints and Merkle proofs with tools Tsunagi did
// not write: golang.org/x/mod/sumdb/note, github.com/transparency-dev/formats/log and
// github.com/transparency-dev/merkle. It reads one JSON request on stdin and writes one JSON report
// on stdout; tests/interop/go-interop.int.test.ts builds and drives it.
package main

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"

	"github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
)

type inclusionCase struct {
	Checkpoint int      `json:"checkpoint"`
	Index      uint64   `json:"index"`
	Entry      []byte   `json:"entry"`
	Hashes     [][]byte `json:"hashes"`
}

type consistencyCase struct {
	Older  int      `json:"older"`
	Newer  int      `json:"newer"`
	Hashes [][]byte `json:"hashes"`
}

type request struct {
	VerifierKey string            `json:"verifierKey"`
	Origin      string            `json:"origin"`
	Checkpoints []string          `json:"checkpoints"`
	Inclusion   []inclusionCase   `json:"inclusion"`
	Consistency []consistencyCase `json:"consistency"`
	// Go signs this text with SignerKey (a key Tsunagi generated) and generates a key named GenerateName.
	SignerKey    string `json:"signerKey"`
	SignText     string `json:"signText"`
	GenerateName string `json:"generateName"`
}

type outcome struct {
	OK    bool   `json:"ok"`
	Error string `json:"error,omitempty"`
	Size  uint64 `json:"size,omitempty"`
	Root  []byte `json:"root,omitempty"`
}

type report struct {
	Checkpoints []outcome `json:"checkpoints"`
	Inclusion   []outcome `json:"inclusion"`
	Consistency []outcome `json:"consistency"`
	Signed      string    `json:"signed,omitempty"`
	Generated   []string  `json:"generated,omitempty"`
}

func result(err error) outcome {
	if err != nil {
		return outcome{Error: err.Error()}
	}
	return outcome{OK: true}
}

func run(req request) (report, error) {
	var rep report
	verifier, err := note.NewVerifier(req.VerifierKey)
	if err != nil {
		return rep, fmt.Errorf("verifier key: %w", err)
	}
	parsed := make([]*log.Checkpoint, len(req.Checkpoints))
	for i, text := range req.Checkpoints {
		cp, _, _, err := log.ParseCheckpoint([]byte(text), req.Origin, verifier)
		o := result(err)
		if err == nil {
			parsed[i], o.Size, o.Root = cp, cp.Size, cp.Hash
		}
		rep.Checkpoints = append(rep.Checkpoints, o)
	}
	for _, c := range req.Inclusion {
		cp := parsed[c.Checkpoint]
		if cp == nil {
			rep.Inclusion = append(rep.Inclusion, outcome{Error: "checkpoint did not verify"})
			continue
		}
		leaf := rfc6962.DefaultHasher.HashLeaf(c.Entry)
		rep.Inclusion = append(rep.Inclusion, result(proof.VerifyInclusion(rfc6962.DefaultHasher, c.Index, cp.Size, leaf, c.Hashes, cp.Hash)))
	}
	for _, c := range req.Consistency {
		older, newer := parsed[c.Older], parsed[c.Newer]
		if older == nil || newer == nil {
			rep.Consistency = append(rep.Consistency, outcome{Error: "checkpoint did not verify"})
			continue
		}
		rep.Consistency = append(rep.Consistency, result(proof.VerifyConsistency(rfc6962.DefaultHasher, older.Size, newer.Size, c.Hashes, older.Hash, newer.Hash)))
	}
	if req.SignerKey != "" {
		signer, err := note.NewSigner(req.SignerKey)
		if err != nil {
			return rep, fmt.Errorf("signer key: %w", err)
		}
		signed, err := note.Sign(&note.Note{Text: req.SignText}, signer)
		if err != nil {
			return rep, fmt.Errorf("sign: %w", err)
		}
		rep.Signed = string(signed)
	}
	if req.GenerateName != "" {
		skey, vkey, err := note.GenerateKey(rand.Reader, req.GenerateName)
		if err != nil {
			return rep, fmt.Errorf("generate: %w", err)
		}
		rep.Generated = []string{skey, vkey}
	}
	return rep, nil
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fmt.Fprintln(os.Stderr, "request:", err)
		os.Exit(2)
	}
	rep, err := run(req)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if err := json.NewEncoder(os.Stdout).Encode(rep); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
