"""A hand-made TLS 1.2 client on the system's libssl (ctypes, no third-party package), for the
gateway's renegotiation test. It authenticates with one client certificate, sends the first
request, then renegotiates presenting ANOTHER certificate and sends the second request: what an
attacker does to switch identity mid-connection. Prints one JSON line per step.

usage: tls12-renegotiating-client.py HOST PORT CA_FILE CERT1 KEY1 CERT2 KEY2 REQUEST1 REQUEST2
"""
import ctypes
import ctypes.util
import json
import socket
import struct
import sys


def emit(**fields):
    print(json.dumps(fields), flush=True)


host, port = sys.argv[1], int(sys.argv[2])
ca, cert1, key1, cert2, key2 = sys.argv[3:8]
requests = [open(path, 'rb').read() for path in sys.argv[8:10]]

lib = ctypes.CDLL(ctypes.util.find_library('ssl') or 'libssl.so.3')
P, I, S = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p


def fn(name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype, f.argtypes = restype, list(argtypes)
    return f


TLS_client_method = fn('TLS_client_method', P)
SSL_CTX_new = fn('SSL_CTX_new', P, P)
SSL_CTX_ctrl = fn('SSL_CTX_ctrl', ctypes.c_long, P, I, ctypes.c_long, P)
SSL_CTX_load_verify_locations = fn('SSL_CTX_load_verify_locations', I, P, S, S)
SSL_CTX_set_verify = fn('SSL_CTX_set_verify', None, P, I, P)
SSL_new = fn('SSL_new', P, P)
SSL_set_fd = fn('SSL_set_fd', I, P, I)
SSL_use_certificate_file = fn('SSL_use_certificate_file', I, P, S, I)
SSL_use_PrivateKey_file = fn('SSL_use_PrivateKey_file', I, P, S, I)
SSL_connect = fn('SSL_connect', I, P)
SSL_write = fn('SSL_write', I, P, S, I)
SSL_read = fn('SSL_read', I, P, S, I)
SSL_renegotiate = fn('SSL_renegotiate', I, P)
SSL_do_handshake = fn('SSL_do_handshake', I, P)
SSL_get_error = fn('SSL_get_error', I, P, I)
ERR_get_error = fn('ERR_get_error', ctypes.c_ulong)
ERR_error_string = fn('ERR_error_string', S, ctypes.c_ulong, P)
PEM, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_2_VERSION, SSL_VERIFY_PEER = 1, 124, 0x0303, 1


def failure(rc):
    code = ERR_get_error()
    return ERR_error_string(code, None).decode() if code else f'SSL_get_error {SSL_get_error(ssl, rc)}'


def use(cert, key):
    return SSL_use_certificate_file(ssl, cert.encode(), PEM) == 1 and SSL_use_PrivateKey_file(ssl, key.encode(), PEM) == 1


def ask(step, request):
    rc = SSL_write(ssl, request, len(request))
    if rc <= 0:
        emit(step=step, ok=False, error=failure(rc))
        return
    buf = ctypes.create_string_buffer(65536)
    rc = SSL_read(ssl, buf, 65536)
    if rc <= 0:
        emit(step=step, ok=False, error=failure(rc))
        return
    emit(step=step, ok=True, response=buf.raw[:rc].decode('utf-8', 'replace'))


ctx = SSL_CTX_new(TLS_client_method())
SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MAX_PROTO_VERSION, TLS1_2_VERSION, None)
SSL_CTX_load_verify_locations(ctx, ca.encode(), None)
SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, None)
ssl = SSL_new(ctx)
if not use(cert1, key1):
    emit(step='load', ok=False, error='cannot load the first certificate')
    sys.exit(0)
sock = socket.create_connection((host, port), timeout=10)
sock.settimeout(None)  # libssl needs a blocking descriptor; kernel timeouts bound each read and write
sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack('ll', 10, 0))
sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, struct.pack('ll', 10, 0))
SSL_set_fd(ssl, sock.fileno())
rc = SSL_connect(ssl)
if rc != 1:
    emit(step='handshake', ok=False, error=failure(rc))
    sys.exit(0)
emit(step='handshake', ok=True)
ask('first', requests[0])
swapped = use(cert2, key2)
started = SSL_renegotiate(ssl) == 1
rc = SSL_do_handshake(ssl)
emit(step='renegotiate', ok=swapped and started and rc == 1, error=None if rc == 1 else failure(rc))
ask('after-renegotiation', requests[1])
