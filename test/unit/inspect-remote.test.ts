import { describe, expect, it } from 'vitest';
import { negotiatedVersion } from '../../src/git/inspect-remote.js';

// Captured once from git 2.39.5 with GIT_TRACE2_EVENT while running `git ls-remote --symref` over
// file:// (trimmed to the events around the negotiation). Over file:// the server-side upload-pack
// logs its own negotiated-version event first; both sides agree.
const V2_EVENTS = [
  '{"event":"version","sid":"20261122T013802.406044Z-H0a7c9cdf-P000047aa","thread":"main","time":"2026-11-22T01:38:02.406089Z","file":"common-main.c","line":50,"evt":"3","exe":"2.39.5"}',
  '{"event":"cmd_name","sid":"20261122T013802.406044Z-H0a7c9cdf-P000047aa","thread":"main","time":"2026-11-22T01:38:02.406233Z","file":"git.c","line":461,"name":"ls-remote","hierarchy":"ls-remote"}',
  '{"event":"data","sid":"20261122T013802.406044Z-H0a7c9cdf-P000047aa/20261122T013802.407871Z-H0a7c9cdf-P000047ac","thread":"main","time":"2026-11-22T01:38:02.408074Z","file":"protocol.c","line":76,"t_abs":0.000346,"t_rel":0.000346,"nesting":1,"category":"transfer","key":"negotiated-version","value":"2"}',
  '{"event":"data","sid":"20261122T013802.406044Z-H0a7c9cdf-P000047aa","thread":"main","time":"2026-11-22T01:38:02.408184Z","file":"connect.c","line":169,"t_abs":0.002920,"t_rel":0.002920,"nesting":1,"category":"transfer","key":"negotiated-version","value":"2"}',
  '{"event":"exit","sid":"20261122T013802.406044Z-H0a7c9cdf-P000047aa","thread":"main","time":"2026-11-22T01:38:02.411295Z","file":"git.c","line":721,"t_abs":0.006031,"code":0}',
  '',
].join('\n');

// The same with `-c protocol.version=0`.
const V0_EVENTS = [
  '{"event":"data","sid":"20261122T013802.434562Z-H0a7c9cdf-P000047b3/20261122T013802.440281Z-H0a7c9cdf-P000047b8","thread":"main","time":"2026-11-22T01:38:02.440506Z","file":"protocol.c","line":76,"t_abs":0.004308,"t_rel":0.004308,"nesting":1,"category":"transfer","key":"negotiated-version","value":"0"}',
  '{"event":"data","sid":"20261122T013802.434562Z-H0a7c9cdf-P000047b3","thread":"main","time":"2026-11-22T01:38:02.440909Z","file":"connect.c","line":169,"t_abs":0.012566,"t_rel":0.012566,"nesting":1,"category":"transfer","key":"negotiated-version","value":"0"}',
  '',
].join('\n');

describe('negotiatedVersion', () => {
  it('reads protocol v2 from a captured trace2 event stream', () => {
    expect(negotiatedVersion(V2_EVENTS)).toBe(2);
  });

  it('reads protocol v0 from a captured trace2 event stream', () => {
    expect(negotiatedVersion(V0_EVENTS)).toBe(0);
  });

  it('is undefined when git reported no negotiation (empty trace, or a run that failed first)', () => {
    expect(negotiatedVersion('')).toBeUndefined();
    expect(negotiatedVersion(V2_EVENTS.split('\n').filter((line) => !line.includes('negotiated-version')).join('\n'))).toBeUndefined();
  });

  it('takes the first event when several are present', () => {
    expect(negotiatedVersion(`${V0_EVENTS}${V2_EVENTS}`)).toBe(0);
  });

  it('ignores other data keys whose value looks like a version', () => {
    expect(negotiatedVersion('{"event":"data","category":"transfer","key":"protocol-version","value":"2"}\n')).toBeUndefined();
  });
});
