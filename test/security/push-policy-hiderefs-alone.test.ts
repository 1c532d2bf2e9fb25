// The receive.hideRefs layer alone (pre-receive hook off) still refuses every forbidden push: the
// test that fails if hiding refs stops being a sufficient layer on its own.
import { forbiddenPushSuite } from '../helpers/git-endpoint-fixture.js';

forbiddenPushSuite('receive.hideRefs alone', { preReceiveHook: false });
