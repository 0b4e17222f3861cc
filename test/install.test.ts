import { describeInstall } from './install.js';

describeInstall('^1.2.3');
