// The Tessera DSL: kernels over named tensors, written as einsum-style statements, and
// normalizers in online form. Statements need no separator; ';' is allowed.
grammar Tessera;

file        : decl* EOF ;
decl        : kernel | normalizer ;

kernel      : 'kernel' name=ID '(' ins=params? ')' '->' '(' outs=params ')' relations? defaults? '{' stmt* '}' ;
params      : param (',' param)* ;
param       : name=ID ':' type=ID shape? range? ;
shape       : '[' (dim (',' dim)*)? ']' ;
dim         : ID | INT ;
range       : 'in' '(' lo=signed ',' hi=signed ')' ;
signed      : '-'? (INT | FLOAT | 'inf') ;
relations   : 'with' relation (',' relation)* ;
relation    : ID '=' expr ;
defaults    : 'defaults' '(' dimDefault (',' dimDefault)* ')' ;
dimDefault  : ID '=' INT ;

stmt        : target '=' expr whereClause? ';'?                     # assign
            | 'scan' ID '{' scanItem* '}' ';'?                      # scan
            ;
scanItem    : 'state' target '=' expr ';'?                           # stateInit
            | target '=' expr whereClause? ';'?                      # scanAssign
            ;
target      : ID ('[' (ID (',' ID)*)? ']')? ;
whereClause : 'where' expr ;

normalizer  : 'normalizer' name=ID '{' stateVar* step finish? combine? '}' ;
stateVar    : 'state' ID '=' expr ';'? ;
step        : 'step' '{' normStmt* '}' ;
finish      : 'finish' '=' expr ';'? ;
combine     : 'combine' '{' normStmt* '}' ;
normStmt    : let='let'? ID '=' expr ';'? ;

expr
  : atom                                                   # atomExpr
  | op=('-' | '!') expr                                    # unary
  | expr op=('*' | '/' | '%') expr                         # binary
  | expr op=('+' | '-') expr                               # binary
  | expr op=('<' | '<=' | '>' | '>=') expr                 # binary
  | expr op=('==' | '!=') expr                             # binary
  | expr op='&&' expr                                      # binary
  | expr op='||' expr                                      # binary
  | <assoc=right> red=('sum' | 'max' | 'min') '[' ID (',' ID)* ']' expr   # reduce
  ;

atom
  : INT                                                    # intLit
  | FLOAT                                                  # floatLit
  | 'inf'                                                  # infLit
  | ID '[' ID ']' '(' expr ')'                             # normalizeCall
  | fname '(' (expr (',' expr)*)? ')'                      # call
  | ID '[' (expr (',' expr)*)? ']'                         # read
  | side=ID '.' field=ID                                   # field
  | ID                                                     # name
  | '(' expr ')'                                           # paren
  ;
fname       : ID | 'max' | 'min' | 'sum' ;

INT         : [0-9]+ ;
FLOAT       : [0-9]+ '.' [0-9]* EXP? | '.' [0-9]+ EXP? | [0-9]+ EXP ;
fragment EXP : [eE] [+-]? [0-9]+ ;
ID          : [a-zA-Z_] [a-zA-Z_0-9]* ;
COMMENT     : '#' ~[\r\n]* -> skip ;
WS          : [ \t\r\n]+ -> skip ;
ERRCHAR     : . ;
