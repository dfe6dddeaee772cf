-- Demo data: the four Dalsland municipalities with a few departments and
-- cost centres each.  Names of departments follow the usual Swedish
-- municipal pattern; codes and cost centres are demo values.
-- Loaded by `sdeskctl demo load` (and so by `make run`); safe to run again.

INSERT INTO tenants (code, name, is_host) VALUES
	('AMA', 'Åmåls kommun', true),
	('BEN', 'Bengtsfors kommun', false),
	('MEL', 'Melleruds kommun', false),
	('FAR', 'Färgelanda kommun', false)
ON CONFLICT (code) DO NOTHING;

INSERT INTO departments (tenant_id, code, name)
SELECT t.id, d.code, d.name
FROM (VALUES
	('AMA', 'KLF', 'Kommunledningsförvaltningen'),
	('AMA', 'BUF', 'Barn- och utbildningsförvaltningen'),
	('AMA', 'SOC', 'Socialförvaltningen'),
	('AMA', 'SBF', 'Samhällsbyggnadsförvaltningen'),
	('AMA', 'IT', 'IT-enheten (gemensam för Dalslandskommunerna)'),
	('BEN', 'KLF', 'Kommunledningsförvaltningen'),
	('BEN', 'BUF', 'Barn- och utbildningsförvaltningen'),
	('BEN', 'VOO', 'Vård- och omsorgsförvaltningen'),
	('BEN', 'SBF', 'Samhällsbyggnadsförvaltningen'),
	('MEL', 'KLF', 'Kommunledningsförvaltningen'),
	('MEL', 'UTB', 'Utbildningsförvaltningen'),
	('MEL', 'SOC', 'Socialförvaltningen'),
	('MEL', 'SBF', 'Samhällsbyggnadsförvaltningen'),
	('FAR', 'KLF', 'Kommunledningsförvaltningen'),
	('FAR', 'BOU', 'Barn- och utbildningsförvaltningen'),
	('FAR', 'SOC', 'Socialförvaltningen'),
	('FAR', 'SBF', 'Samhällsbyggnadsförvaltningen')
) AS d (tenant, code, name)
JOIN tenants t ON t.code = d.tenant
ON CONFLICT (tenant_id, code) DO NOTHING;

INSERT INTO cost_centres (tenant_id, department_id, code, name)
SELECT t.id, dep.id, c.code, c.name
FROM (VALUES
	('AMA', 'KLF', '1100', 'Kommunkansliet'),
	('AMA', 'KLF', '1200', 'Ekonomienheten'),
	('AMA', 'BUF', '3100', 'Grundskola F–6'),
	('AMA', 'BUF', '3200', 'Förskolor'),
	('AMA', 'SOC', '5100', 'Hemtjänst'),
	('AMA', 'SOC', '5200', 'Särskilt boende'),
	('AMA', 'SBF', '7100', 'Gata och park'),
	('AMA', 'IT', '1900', 'IT-drift och servicedesk'),
	('BEN', 'KLF', '1100', 'Kommunkansliet'),
	('BEN', 'BUF', '3100', 'Grundskola F–9'),
	('BEN', 'BUF', '3300', 'Gymnasieskola'),
	('BEN', 'VOO', '5100', 'Hemtjänst'),
	('BEN', 'VOO', '5300', 'LSS-verksamhet'),
	('BEN', 'SBF', '7100', 'Bygg och miljö'),
	('MEL', 'KLF', '1100', 'Kommunkansliet'),
	('MEL', 'KLF', '1300', 'HR-enheten'),
	('MEL', 'UTB', '3100', 'Grundskola F–6'),
	('MEL', 'UTB', '3200', 'Förskolor'),
	('MEL', 'SOC', '5100', 'Hemtjänst'),
	('MEL', 'SBF', '7200', 'Vatten och avlopp'),
	('FAR', 'KLF', '1100', 'Kommunkansliet'),
	('FAR', 'BOU', '3100', 'Grundskola F–9'),
	('FAR', 'SOC', '5100', 'Hemtjänst'),
	('FAR', 'SOC', '5400', 'Individ- och familjeomsorg'),
	('FAR', 'SBF', '7100', 'Fastighet och service')
) AS c (tenant, dep, code, name)
JOIN tenants t ON t.code = c.tenant
JOIN departments dep ON dep.tenant_id = t.id AND dep.code = c.dep
ON CONFLICT (tenant_id, code) DO NOTHING;
