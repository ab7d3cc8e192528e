// The RegistrationWorkflow port over the Workflow binding REGISTRATION_WORKFLOW (its class lives in the
// email Worker: src/runtime/workers/email/registration-workflow.ts).
import type {
  RegistrationWorkflow,
  RegistrationWorkflowParams,
  RegistrationWorkflowStatus,
} from '../../ports/registration-workflow.js';

/** The part of the Workflow binding used here. */
export interface WorkflowBinding {
  create(options: { id: string; params: RegistrationWorkflowParams }): Promise<unknown>;
  get(id: string): Promise<{ status(): Promise<RegistrationWorkflowStatus> }>;
}

export function cloudflareRegistrationWorkflow(binding: WorkflowBinding): RegistrationWorkflow {
  return {
    async start(params) {
      await binding.create({ id: params.registration.id, params });
    },
    async status(id) {
      let instance: Awaited<ReturnType<WorkflowBinding['get']>>;
      try {
        instance = await binding.get(id);
      } catch (error) {
        // `get` of an unknown id rejects with `instance.not_found` (locally and on Cloudflare).
        if (error instanceof Error && error.message.includes('not_found')) return null;
        throw error;
      }
      const { status, error } = await instance.status();
      return error ? { status, error: { name: error.name, message: error.message } } : { status };
    },
  };
}
