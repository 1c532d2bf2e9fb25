// The pre-receive layer alone (receive.hideRefs off) still refuses every forbidden push: the test
// that fails if the hook stops being a sufficient layer on its own.
import { forbiddenPushSuite } from '../helpers/git-endpoint-fixture.js';

forbiddenPushSuite('the pre-receive hook alone', { hideRefs: false });
