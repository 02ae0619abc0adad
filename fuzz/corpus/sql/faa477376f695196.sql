SELECT 'unterminated FROM sales
