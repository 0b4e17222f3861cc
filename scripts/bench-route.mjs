// Preloaded into every benchmark process (node --import): api.postmarkapp.com resolves to the
// local sandbox's address, so each contender connects to it unmodified, on port 443, over TLS
// (the sandbox's certificate is trusted through NODE_EXTRA_CA_CERTS).
import dns from 'node:dns';

const address = process.env.BENCH_POSTMARK_ADDRESS;
const { lookup } = dns;

if (address) {
  dns.lookup = (hostname, options, callback) => {
    const [settings, done] =
      typeof options === 'function' ? [{}, options] : [options ?? {}, callback];

    if (hostname !== 'api.postmarkapp.com') {
      lookup(hostname, settings, done);
      return;
    }

    if (settings.all) {
      done(null, [{ address, family: 4 }]);
    } else {
      done(null, address, 4);
    }
  };
}
