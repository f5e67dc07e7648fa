// Runs the suite's client (node client.mjs ENGINE_DIR/cli.mjs, with cli.mjs's npm_config_* variables):
// - host names ending in CACHE_TESTS_LOCAL_SUFFIX resolve to 127.0.0.1, so the client reaches a
//   distribution by its own name (Host and SNI) without touching /etc/hosts: net and tls call
//   dns.lookup at connect time, so replacing it before the client loads is enough;
// - exits once the client has printed its results, instead of waiting for the cache under test to
//   close its idle keep-alive connections.
import dns from 'node:dns'
import { pathToFileURL } from 'node:url'

const suffix = process.env.CACHE_TESTS_LOCAL_SUFFIX
const lookup = dns.lookup
if (suffix) {
  dns.lookup = function (host, options, callback) {
    if (typeof options === 'function') { callback = options; options = {} }
    if (typeof host === 'string' && host.toLowerCase().endsWith(suffix)) {
      if (typeof options === 'object' && options !== null && options.all) process.nextTick(callback, null, [{ address: '127.0.0.1', family: 4 }])
      else process.nextTick(callback, null, '127.0.0.1', 4)
      return {}
    }
    return lookup.call(dns, host, options, callback)
  }
}
await import(pathToFileURL(process.argv[2]).href)
process.exit(0)
