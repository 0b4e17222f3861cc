import { describeInstall } from './install.js';

// The oldest ky that Logto core's range (^1.2.3) allows: retries and timeouts must work there too.
describeInstall('1.2.3');
