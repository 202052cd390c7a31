/**
 * openapiDocument describes the sandbox HTTP API (served at
 * /api/openapi.json; summarised in the README's "API" section). The terminal
 * WebSocket is described in the GET /api/terminal operation's text, since
 * OpenAPI 3.1 has no way to describe WebSocket frames.
 */

const error = {
  type: 'object',
  required: ['error', 'message'],
  properties: { error: { type: 'string', description: 'A stable code, e.g. "no_session", "full", "invalid_input".' }, message: { type: 'string', description: 'What went wrong, in words for the learner.' } },
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const clusterState = {
  type: 'object',
  required: ['state', 'steps', 'poweredOff'],
  properties: {
    state: { type: 'string', enum: ['starting', 'restoring', 'ready', 'failed', 'resetting'] },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['step', 'status'],
        properties: { step: { type: 'string' }, status: { type: 'string', enum: ['running', 'done', 'failed'] }, detail: { type: 'string' } },
      },
    },
    error: { type: 'string', description: 'Why start-up failed (state "failed").' },
    notice: { type: 'string', description: 'A one-off remark, e.g. the cluster could not be restored and is fresh.' },
    poweredOff: { type: 'array', items: { type: 'string' } },
  },
};

const cookieAuth = [{ sessionCookie: [] }];

export function openapiDocument(): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'k8s-storage-lab sandbox API',
      version: '0.1.0',
      description:
        'The API the course pages use: a session per learner (cookie `kslab_session`, HttpOnly, SameSite=Lax) owning one cluster, its state, node power and reset, and the terminal WebSocket. Errors are JSON `{error, message}`.',
    },
    components: {
      securitySchemes: { sessionCookie: { type: 'apiKey', in: 'cookie', name: 'kslab_session' } },
      schemas: {
        Error: error,
        ClusterState: clusterState,
        Session: {
          type: 'object',
          required: ['session', 'provider', 'cluster', 'progress'],
          properties: {
            session: {
              type: 'object',
              properties: {
                id: { type: 'string' },
                createdAt: { type: 'string', format: 'date-time' },
                expiresAt: { type: 'string', format: 'date-time', description: 'When the maximum lifetime ends.' },
                idleExpiresAt: { type: 'string', format: 'date-time', description: 'When the session ends without activity.' },
                idleTimeoutSeconds: { type: 'integer' },
                maxLifetimeSeconds: { type: 'integer' },
                warnBeforeSeconds: { type: 'integer' },
                lesson: { type: ['string', 'null'] },
              },
            },
            provider: {
              type: 'object',
              properties: { name: { type: 'string' }, simulated: { type: 'boolean' }, label: { type: 'string', example: 'Simulated cluster (no Docker found)' } },
            },
            cluster: { $ref: '#/components/schemas/ClusterState' },
            lesson: {
              type: ['object', 'null'],
              properties: { id: { type: 'string' }, title: { type: 'string' }, nodes: { type: 'array', items: { type: 'string' } }, exercises: { type: 'array', items: { type: 'string' } } },
            },
            progress: {
              type: 'array',
              items: {
                type: 'object',
                properties: { lesson: { type: 'string' }, exercise: { type: 'string' }, status: { type: 'string', enum: ['visited', 'pass', 'fail'] }, updatedAt: { type: 'integer' } },
              },
            },
            created: { type: 'boolean' },
            previousEnded: { type: 'boolean', description: 'The browser had a session cookie whose session has ended.' },
          },
        },
      },
    },
    paths: {
      '/api/session': {
        get: {
          summary: 'Get the learner session, creating it (and its cluster) on first visit',
          parameters: [{ name: 'lesson', in: 'query', required: false, schema: { type: 'string' }, description: 'The lesson being viewed: its manifests are copied into the terminal folder.' }],
          responses: {
            '200': { description: 'The session; sets the cookie when created.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Session' } } } },
            '400': errorResponse('Invalid lesson id.'),
            '404': errorResponse('Unknown lesson.'),
            '503': errorResponse('The server is full (--max-sessions); error "full".'),
          },
        },
        delete: { summary: 'End the session: cluster, files and progress are deleted', security: cookieAuth, responses: { '204': { description: 'Ended; the cookie is cleared.' }, '404': errorResponse('No session.') } },
      },
      '/api/session/keepalive': {
        post: { summary: 'Mark the learner active (resets the idle timeout)', security: cookieAuth, responses: { '204': { description: 'Done.' }, '404': errorResponse('No session.') } },
      },
      '/api/cluster': {
        get: {
          summary: 'The cluster state',
          security: cookieAuth,
          responses: { '200': { description: 'State.', content: { 'application/json': { schema: { $ref: '#/components/schemas/ClusterState' } } } }, '404': errorResponse('No session.') },
        },
      },
      '/api/cluster/events': {
        get: {
          summary: 'Server-sent events: cluster progress while it starts, expiry warnings, the live view',
          description: 'Events are named after the control message types of the terminal WebSocket: `hello`, `cluster`, `view`, `expiry`, `ended`; each `data:` is that message as JSON.',
          security: cookieAuth,
          responses: { '200': { description: 'An event stream.', content: { 'text/event-stream': {} } }, '404': errorResponse('No session.') },
        },
      },
      '/api/cluster/reset': {
        post: {
          summary: 'Reset the cluster to a fresh one (the terminal history stays); also retries a failed start',
          security: cookieAuth,
          responses: { '202': { description: 'Resetting; follow progress on the WebSocket or /api/cluster/events.' }, '404': errorResponse('No session.'), '409': errorResponse('The cluster is busy starting or resetting.') },
        },
      },
      '/api/cluster/nodes/{node}/power': {
        post: {
          summary: 'Power a node off or on (the kubelet stops or resumes heartbeating)',
          security: cookieAuth,
          parameters: [{ name: 'node', in: 'path', required: true, schema: { type: 'string', enum: ['lab-control-plane', 'lab-worker', 'lab-worker2'] } }],
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['on'], additionalProperties: false, properties: { on: { type: 'boolean' } } } } } },
          responses: {
            '200': { description: 'Done.' },
            '400': errorResponse('Invalid body.'),
            '404': errorResponse('Unknown node or no session.'),
            '409': errorResponse('The cluster is not ready.'),
            '413': errorResponse('Body too large.'),
            '501': errorResponse('This provider does not model node power yet.'),
          },
        },
      },
      '/api/lessons/{lesson}': {
        get: {
          summary: 'What the sandbox knows of a lesson (nodes it relies on, exercise ids)',
          parameters: [{ name: 'lesson', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { '200': { description: 'The lesson.' }, '404': errorResponse('Unknown lesson.') },
        },
      },
      '/api/lessons/{lesson}/exercises/{exercise}/{action}': {
        post: {
          summary: 'Run an exercise check or its reference solution against the session cluster',
          security: cookieAuth,
          parameters: [
            { name: 'lesson', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'exercise', in: 'path', required: true, schema: { type: 'string' } },
            { name: 'action', in: 'path', required: true, schema: { type: 'string', enum: ['check', 'solve'] } },
          ],
          requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', properties: { mode: { type: 'string', enum: ['solve', 'setup', 'reset'], description: 'solve only: this exercise\'s reference solution (default), the earlier exercises\' solutions ("set up from here"), or a fresh cluster and then those ("reset this exercise").' } } } } } },
          responses: {
            '200': { description: 'check: {lesson, exercise, title, passed, results: [{id, title, status: pass|fail|error, detail, hint?, expected?, actual?, ms}]}; solve: {mode, steps}.' },
            '400': errorResponse('Invalid solve body.'),
            '404': errorResponse('Unknown lesson, exercise or session.'),
            '409': errorResponse('The cluster is not ready, or a solution is already being applied.'),
            '500': errorResponse('A solve step failed; the message says which.'),
          },
        },
      },
      '/api/terminal': {
        get: {
          summary: 'The terminal WebSocket (upgrade)',
          description: [
            'Upgrade with the session cookie and an allowed Origin; `?lesson=ID` makes that lesson\'s folder current.',
            'TEXT frames are terminal data both ways (keystrokes in; output out, CR LF line ends).',
            'BINARY frames are one UTF-8 JSON control message each.',
            'Browser to server: {"type":"resize","cols":N,"rows":N}, {"type":"pause"}, {"type":"resume"} (flow control), {"type":"keepalive"}.',
            'Server to browser: hello (session, provider, expiry times), cluster (progress), view (live storage view), expiry (warning), ended, error.',
            'Frames over 64 KiB close the socket with 1009; a session that ended closes with 4000; server shutdown with 1001 (reconnect with backoff).',
          ].join(' '),
          security: cookieAuth,
          parameters: [{ name: 'lesson', in: 'query', required: false, schema: { type: 'string' } }],
          responses: { '101': { description: 'Switching protocols.' }, '401': { description: 'No session cookie or unknown session.' }, '403': { description: 'Origin not allowed.' }, '404': { description: 'Unknown lesson.' } },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1.' } } } },
      '/api/health': { get: { summary: 'Liveness: provider and session count', responses: { '200': { description: 'OK.' } } } },
    },
  };
}
