"""Approved and paid statements never change: a PostgreSQL trigger refuses it.

The services refuse too; the trigger makes the rule hold for every writer (a raw UPDATE, a
shell, another app). Allowed on an approved statement: only the step to ``paid`` (status,
paid_at, paid_by, payment_reference); nothing at all on a paid one. Components of an
approved or paid statement may not be inserted, changed or deleted. SQLite (the demo)
has no trigger: there the services alone guard the rule.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION commissions_statement_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status IN ('approved', 'paid') THEN
            RAISE EXCEPTION 'commission statement % is %: it cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'paid' THEN
        RAISE EXCEPTION 'commission statement % is paid: it cannot change', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    IF OLD.status = 'approved' AND (
        NEW.status <> 'paid'
        OR ROW(NEW.dealer_id, NEW.period, NEW.currency, NEW.plan_id, NEW.step_mode, NEW.base_rate,
               NEW.tier_code, NEW.net_sales, NEW.line_count, NEW.total, NEW.computed_at,
               NEW.approved_at, NEW.approved_by)
           IS DISTINCT FROM
           ROW(OLD.dealer_id, OLD.period, OLD.currency, OLD.plan_id, OLD.step_mode, OLD.base_rate,
               OLD.tier_code, OLD.net_sales, OLD.line_count, OLD.total, OLD.computed_at,
               OLD.approved_at, OLD.approved_by)
    ) THEN
        RAISE EXCEPTION 'commission statement % is approved: only marking it paid is allowed', OLD.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS commissions_statement_guard ON commissions_commissionstatement;
CREATE TRIGGER commissions_statement_guard
    BEFORE UPDATE OR DELETE ON commissions_commissionstatement
    FOR EACH ROW EXECUTE FUNCTION commissions_statement_guard();

CREATE OR REPLACE FUNCTION commissions_component_guard() RETURNS trigger AS $$
DECLARE
    locked_status text;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO locked_status FROM commissions_commissionstatement
            WHERE id = OLD.statement_id;
        IF locked_status IN ('approved', 'paid') THEN
            RAISE EXCEPTION 'statement % is %: its components cannot change', OLD.statement_id, locked_status
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO locked_status FROM commissions_commissionstatement
            WHERE id = NEW.statement_id;
        IF locked_status IN ('approved', 'paid') THEN
            RAISE EXCEPTION 'statement % is %: its components cannot change', NEW.statement_id, locked_status
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS commissions_component_guard ON commissions_statementcomponent;
CREATE TRIGGER commissions_component_guard
    BEFORE INSERT OR UPDATE OR DELETE ON commissions_statementcomponent
    FOR EACH ROW EXECUTE FUNCTION commissions_component_guard();
"""

DROP = r"""
DROP TRIGGER IF EXISTS commissions_component_guard ON commissions_statementcomponent;
DROP FUNCTION IF EXISTS commissions_component_guard();
DROP TRIGGER IF EXISTS commissions_statement_guard ON commissions_commissionstatement;
DROP FUNCTION IF EXISTS commissions_statement_guard();
"""


def _run(sql):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return apply


class Migration(migrations.Migration):
    dependencies = [("commissions", "0003_plans_and_statements")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
