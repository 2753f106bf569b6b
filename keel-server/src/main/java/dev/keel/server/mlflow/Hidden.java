package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.KeelException.ErrorCode;
import dev.keel.server.auth.Principal;

/**
 * The answer for an object that does not exist or that the caller may not see, the same for
 * both (as {@link MlflowAccess} answers for experiments): signed-in callers get
 * RESOURCE_DOES_NOT_EXIST in MLflow's words, anonymous ones are asked to sign in.
 */
final class Hidden {
    private Hidden() {}

    static KeelException answer(Principal who, String mlflowMessage) {
        if (who.anonymous()) {
            return new KeelException(
                    ErrorCode.UNAUTHENTICATED,
                    "sign in: send 'Authorization: Bearer <API key>' (MLflow's clients send MLFLOW_TRACKING_TOKEN)");
        }
        return KeelException.notFound(mlflowMessage + " (or you may not see it)");
    }
}
