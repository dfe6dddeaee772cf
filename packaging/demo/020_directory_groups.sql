-- Demo data: which group in each municipality's directory gives which role.
-- The host's IT groups give roles over all four municipalities; each
-- municipality's own groups give roles in that municipality only.
-- (In production each tenant's IT contact maintains this table.)

INSERT INTO directory_groups (tenant_id, group_dn, role, team, all_tenants)
SELECT t.id, g.dn, g.role, g.team, g.all_tenants
FROM (VALUES
	('AMA', 'cn=sdesk-forsta-linjen,ou=groups,dc=amal,dc=se', 'tech1', NULL, true),
	('AMA', 'cn=sdesk-natverk,ou=groups,dc=amal,dc=se', 'tech2', 'network', true),
	('AMA', 'cn=sdesk-identitet,ou=groups,dc=amal,dc=se', 'tech2', 'identity', true),
	('AMA', 'cn=sdesk-verksamhetssystem,ou=groups,dc=amal,dc=se', 'tech2', 'business_systems', true),
	('AMA', 'cn=sdesk-telefoni,ou=groups,dc=amal,dc=se', 'tech2', 'telephony', true),
	('AMA', 'cn=sdesk-tredje-linjen,ou=groups,dc=amal,dc=se', 'specialist', NULL, true),
	('AMA', 'cn=sdesk-teamledare,ou=groups,dc=amal,dc=se', 'team_lead', NULL, true),
	('AMA', 'cn=sdesk-digitaliseringschef,ou=groups,dc=amal,dc=se', 'chief', NULL, true),
	('AMA', 'cn=sdesk-ekonomi,ou=groups,dc=amal,dc=se', 'finance', NULL, true),
	('AMA', 'cn=sdesk-arkitekter,ou=groups,dc=amal,dc=se', 'architect', NULL, true),
	('AMA', 'cn=sdesk-administratorer,ou=groups,dc=amal,dc=se', 'admin', NULL, true),
	('AMA', 'cn=sdesk-chefer,ou=groups,dc=amal,dc=se', 'manager', NULL, false),
	('BEN', 'cn=sdesk-chefer,ou=groups,dc=bengtsfors,dc=se', 'manager', NULL, false),
	('BEN', 'cn=sdesk-it-kontakt,ou=groups,dc=bengtsfors,dc=se', 'it_contact', NULL, false),
	('MEL', 'cn=sdesk-chefer,ou=groups,dc=mellerud,dc=se', 'manager', NULL, false),
	('MEL', 'cn=sdesk-it-kontakt,ou=groups,dc=mellerud,dc=se', 'it_contact', NULL, false),
	('FAR', 'cn=sdesk-chefer,ou=groups,dc=fargelanda,dc=se', 'manager', NULL, false),
	('FAR', 'cn=sdesk-it-kontakt,ou=groups,dc=fargelanda,dc=se', 'it_contact', NULL, false)
) AS g (tenant, dn, role, team, all_tenants)
JOIN tenants t ON t.code = g.tenant
ON CONFLICT DO NOTHING;

INSERT INTO tenant_settings (tenant_id)
SELECT id FROM tenants ON CONFLICT DO NOTHING;
