// Both push-policy layers on (the deployment): every forbidden push is refused with its rule and
// what would be accepted, and none of its objects land.
import { forbiddenPushSuite } from '../helpers/git-endpoint-fixture.js';

forbiddenPushSuite('both layers', {});
