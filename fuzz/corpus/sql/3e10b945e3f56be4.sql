SELECT to_json(named_struct('country', Country, 'n', count(*))) FROM sales GROUP BY Country
